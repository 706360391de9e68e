"""REST API at /api/v1/ (django-ninja). OpenAPI: /api/v1/openapi.json, docs: /api/v1/docs.

Authentication: `Authorization: Bearer <API key>`, or the browser session with CSRF.
Errors are {"detail": "<message>"} with 400/401/403/404/409 (see registry/api/errors.py).
"""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from registry.api import artifacts, errors, fallback, query, registries, runs, search, versions
from registry.api.auth import AUTH

api = NinjaAPI(
    title="Registry API",
    version="1",
    description="Artifact and model registry: registries, collections, versions and aliases.",
    urls_namespace="api",
    auth=AUTH,
    # Deep links put a link inside each operation's toggle button, which screen readers
    # cannot reach (axe: nested-interactive); the operations are found by their paths anyway.
    docs=Swagger(settings={"deepLinking": False}),
)
errors.install(api)
api.add_router("/", runs.router)
api.add_router("/", artifacts.router)
api.add_router("/registries", registries.router)
api.add_router("/registries", versions.router)
api.add_router("/search", search.router)
api.add_router("/query", query.router)
api.add_router("/", fallback.router)  # last: catches every other path
