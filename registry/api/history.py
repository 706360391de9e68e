"""Alias history exports for scripts: CSV or JSON Lines, streamed, filterable."""

from __future__ import annotations

from ninja import Router

from registry.api.schemas import Error
from registry.history_response import export_response

router = Router(tags=["history"])
ERRORS = {400: Error, 401: Error, 404: Error}
STREAM = {
    "responses": {
        200: {
            "description": "One event per line, oldest first (time, registry, collection, "
            "alias, action, from, to, actor)",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/jsonl": {"schema": {"type": "string"}},
            },
        }
    }
}


@router.get("/{registry}/alias-history.{fmt}", response={200: None, **ERRORS}, openapi_extra=STREAM)
def registry_history(
    request,
    registry: str,
    fmt: str,
    alias: str = "",
    actor: str = "",
    since: str = "",
    until: str = "",
):
    """Every alias change in the registry. `fmt`: csv or jsonl; `since`/`until`: RFC 3339."""
    params = {"alias": alias, "actor": actor, "since": since, "until": until}
    return export_response(request.auth, fmt, params, registry, None)


@router.get(
    "/{registry}/collections/{collection}/alias-history.{fmt}",
    response={200: None, **ERRORS},
    openapi_extra=STREAM,
)
def collection_history(
    request,
    registry: str,
    collection: str,
    fmt: str,
    alias: str = "",
    actor: str = "",
    since: str = "",
    until: str = "",
):
    """Every alias change in one collection, filtered like the registry's."""
    params = {"alias": alias, "actor": actor, "since": since, "until": until}
    return export_response(request.auth, fmt, params, registry, collection)
