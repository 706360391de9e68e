"""Search views (to be built by the search issue)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render


@login_required
def search_page(request):
    return render(request, "base.html", {})


@login_required
def live_results(request):
    return HttpResponse("")
