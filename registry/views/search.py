"""Global search: the full results page (`/search/?q=`), the live results under the bar,
and the advanced search (`/search/advanced/`: filter rows over one kind)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from registry.selectors.advanced_search import ATTRIBUTES, KIND_LABELS, OPERATORS, parse, run
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
    results = search(request.user, q, per_group=LIVE_PER_GROUP)
    return render(request, "registry/search.html#live", {"q": q, "results": results})


@require_GET
@login_required
@vary_on_headers("HX-Request")
def advanced_search(request):
    """Filter rows over one kind; the Add and Remove buttons submit the same GET form, so
    the page works without JavaScript, and htmx swaps the builder and results in place."""
    remove = request.GET.get("remove", "")
    editing = "add" in request.GET or remove.isdigit()
    advanced = parse(
        request.GET, add="add" in request.GET, remove=int(remove) if remove.isdigit() else None
    )
    canonical = f"{reverse('search_advanced')}?{advanced.querystring(cursor=advanced.cursor)}"
    if editing and not request.htmx:
        return redirect(canonical)  # the address bar holds the query itself, not the edit
    context = {
        "advanced": advanced,
        "results": run(request.user, advanced),
        "kinds": KIND_LABELS,
        "kind_label": KIND_LABELS[advanced.kind],
        "attributes": ATTRIBUTES[advanced.kind],
        "operators": OPERATORS,
        "querystring": advanced.querystring(),
    }
    if request.htmx:
        response = render(request, "registry/advanced_search.html#builder", context)
        response["HX-Push-Url"] = canonical
        return response
    return render(request, "registry/advanced_search.html", context)
