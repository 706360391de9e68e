"""URL map. Each area owns one module; the URLs are a contract (see DESIGN.md "UI contract")."""

from __future__ import annotations

from django.urls import path

from registry.api import api
from registry.urls import accounts, automations, pages, search

urlpatterns = [
    path("api/v1/", api.urls),
    *accounts.urlpatterns,
    *search.urlpatterns,
    *automations.urlpatterns,
    *pages.urlpatterns,  # last: its registry/collection patterns are the most general
]
