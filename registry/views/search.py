"""Global search: the full results page (`/search/?q=`) and the live results under the bar."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from registry.selectors.promotions import pending_matching
from registry.selectors.search import search

PAGE_PER_GROUP = 50
LIVE_PER_GROUP = 3


@require_GET
@login_required
def search_page(request):
    """Every group's best hits; the page works without JavaScript."""
    q = request.GET.get("q", "")
    results = search(request.user, q, per_group=PAGE_PER_GROUP)
    query = results.query
    promotions = [] if query.error else pending_matching(request.user, query.text, query.filters)
    context = {"q": q, "results": results, "promotions": promotions}
    return render(request, "registry/search.html", context)


@require_GET
@login_required
@vary_on_headers("HX-Request")
def live_results(request):
    """The few best hits per group, shown under the search bar while typing."""
    q = request.GET.get("q", "")
    results = search(request.user, q, per_group=LIVE_PER_GROUP, count=False)
    return render(request, "registry/search.html#live", {"q": q, "results": results})
