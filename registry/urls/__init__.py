"""URL map. Each area owns one module; the URLs are a contract (see DESIGN.md "UI contract")."""

from __future__ import annotations

from django.urls import path, re_path

from registry.api import api, fallback
from registry.mlflow_api import urls as mlflow
from registry.urls import accounts, automations, pages, promotions, search

urlpatterns = [
    path("api/v1/", api.urls),  # first: the routes pipelines poll are found first
    # MLflow clients: its model-registry REST routes, beside (not inside) our API.
    *mlflow.urlpatterns,
    re_path(r"^api/[\s\S]*\Z", fallback.json_not_found),
    *accounts.urlpatterns,
    *search.urlpatterns,
    *automations.urlpatterns,
    *promotions.urlpatterns,
    *pages.urlpatterns,  # last: its registry/collection patterns are the most general
]
