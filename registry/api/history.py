"""Alias history exports for scripts: CSV or JSON Lines, streamed, filterable."""

from __future__ import annotations

from typing import Literal

from ninja import Router

from registry.api.schemas import AUTH_ERRORS, CollectionName, Error, RegistryName
from registry.history_response import export_response

router = Router(tags=["history"])
READ_ERRORS = {400: Error, **AUTH_ERRORS, 404: Error}
Format = Literal["csv", "jsonl"]
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


@router.get(
    "/{registry}/alias-history.{fmt}", response={200: None, **READ_ERRORS}, openapi_extra=STREAM
)
def registry_history(
    request,
    registry: RegistryName,
    fmt: Format,
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
    response={200: None, **READ_ERRORS},
    openapi_extra=STREAM,
)
def collection_history(
    request,
    registry: RegistryName,
    collection: CollectionName,
    fmt: Format,
    alias: str = "",
    actor: str = "",
    since: str = "",
    until: str = "",
):
    """Every alias change in one collection, filtered like the registry's."""
    params = {"alias": alias, "actor": actor, "since": since, "until": until}
    return export_response(request.auth, fmt, params, registry, collection)
