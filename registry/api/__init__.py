"""REST API at /api/v1/ (django-ninja). OpenAPI: /api/v1/openapi.json, docs: /api/v1/docs."""

from __future__ import annotations

from ninja import NinjaAPI

from registry.api import search

api = NinjaAPI(
    title="Registry API",
    version="1",
    description="Artifact and model registry: registries, collections, versions and aliases.",
    urls_namespace="api",
)
api.add_router("/search", search.router)
