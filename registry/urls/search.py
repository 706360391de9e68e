"""Global search: the full results page and the live results under the bar."""

from __future__ import annotations

from django.urls import path

from registry.views import search

urlpatterns = [
    path("search/", search.search_page, name="search"),
    path("search/live/", search.live_results, name="search_live"),
    path("search/advanced/", search.advanced_search, name="search_advanced"),
]
