"""Alias history exports from the pages: /registries/R/alias-history.csv (or .jsonl), and
the same under a collection. Filters: ?alias=&actor=&since=&until= (RFC 3339)."""

from __future__ import annotations

from django.views.decorators.http import require_http_methods

from registry.history_response import export_response
from registry.views.pages import page_view


@page_view
@require_http_methods(["GET"])
def registry_history(request, registry, fmt):
    return export_response(request.user, fmt, request.GET, registry, None)


@page_view
@require_http_methods(["GET"])
def collection_history(request, registry, collection, fmt):
    return export_response(request.user, fmt, request.GET, registry, collection)
