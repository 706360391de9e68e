"""The Registry query API: registries, collections and versions matching W&B filters.

`GET /api/v1/query/<kind>?filter=<JSON>&cursor=&per_page=` or the same as a JSON body to
`POST /api/v1/query/<kind>` (for long filters). Filters are W&B's MongoDB-like predicates
(`registry.predicates`); an unknown field or operator is a 400 naming what is allowed.
Restricted registries the caller has no role in are never matched.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ninja import Query, Router, Schema
from pydantic import Field

from registry import permissions
from registry.api.registries import collection_out, registry_out
from registry.api.schemas import AUTH_ERRORS, Chip, CollectionOut, Error, RegistryOut, SourceOut
from registry.api.versions import version_fields
from registry.errors import Invalid
from registry.selectors import query
from registry.selectors.versions import VersionState

router = Router(tags=["query"])
QUERY_ERRORS = {400: Error, **AUTH_ERRORS}
FILTER_HELP = (
    'a JSON object such as {"name": {"$regex": "^prod"}} or {"$or": [{"tag": "a"}, '
    '{"alias": "best"}]}'
)
PER_PAGE = Field(50, ge=1, le=query.PER_PAGE_MAX, description="Rows per page (1-100).")
CURSOR = Field(None, max_length=40, description="next_cursor of the previous page.")
FilterDict = dict[str, Any] | None


class RegistryQuery(Schema):
    filter: FilterDict = Field(None, description="Registries on name, description, dates.")
    cursor: str | None = CURSOR
    per_page: int = PER_PAGE


class CollectionQuery(RegistryQuery):
    filter: FilterDict = Field(None, description="Collections on name, tag, description, dates.")
    registry_filter: FilterDict = None


class VersionQuery(CollectionQuery):
    filter: FilterDict = Field(
        None, description="Versions on tag, alias, created_at, updated_at, metadata.<key>."
    )
    collection_filter: FilterDict = None


class QueryParams(Schema):
    filter: str | None = Field(None, description=f"JSON: {FILTER_HELP}.")
    registry_filter: str | None = Field(None, description="JSON, as filter, on registries.")
    collection_filter: str | None = Field(None, description="JSON, as filter, on collections.")
    cursor: str | None = CURSOR
    per_page: int = PER_PAGE


class FoundVersion(Schema):
    registry: str
    collection: str
    type: str
    version: str
    index: int
    aliases: list[Chip]
    tags: list[str]
    description: str
    metadata: dict[str, Any]
    digest: str
    size: int
    source: SourceOut
    linked_at: datetime
    updated_at: datetime
    linked_by: str | None


class RegistryPage(Schema):
    items: list[RegistryOut]
    next_cursor: str | None


class CollectionPage(Schema):
    items: list[CollectionOut]
    next_cursor: str | None


class VersionPage(Schema):
    items: list[FoundVersion]
    next_cursor: str | None


def _parsed(name: str, raw: str | None) -> FilterDict:
    if raw is None or raw == "":
        return None
    try:
        value = json.loads(raw)
    except ValueError as e:
        raise Invalid(f"'{name}' is not valid JSON ({e}); it must be {FILTER_HELP}.") from None
    if value is not None and not isinstance(value, dict):
        raise Invalid(f"'{name}' must be {FILTER_HELP}.")
    return value


def found_version(state: VersionState) -> dict:
    """A version as the query API lists it: the resolve answer's fields without the file
    list, with when it last changed."""
    return {**version_fields(state), "updated_at": state.version.updated_at}


def _registries(request, q: RegistryQuery) -> dict:
    page = query.page_of(
        query.find_registries(request.auth, q.filter), cursor=q.cursor, per_page=q.per_page
    )
    permissions.prefetch_roles(request.auth, page.items)
    return {
        "items": [registry_out(r, request.auth) for r in page.items],
        "next_cursor": page.next_cursor,
    }


def _collections(request, q: CollectionQuery) -> dict:
    found = query.find_collections(request.auth, registry_filter=q.registry_filter, filter=q.filter)
    page = query.page_of(found, cursor=q.cursor, per_page=q.per_page)
    return {"items": [collection_out(c) for c in page.items], "next_cursor": page.next_cursor}


def _versions(request, q: VersionQuery) -> dict:
    found = query.find_versions(
        request.auth,
        registry_filter=q.registry_filter,
        collection_filter=q.collection_filter,
        filter=q.filter,
    )
    page = query.page_of(found, cursor=q.cursor, per_page=q.per_page)
    return {
        "items": [found_version(VersionState.of(v)) for v in page.items],
        "next_cursor": page.next_cursor,
    }


def _from_params(params: QueryParams, schema):
    fields = {"filter": _parsed("filter", params.filter)}
    for name in ("registry_filter", "collection_filter"):
        if name in schema.model_fields:
            fields[name] = _parsed(name, getattr(params, name))
        elif getattr(params, name) is not None:
            raise Invalid(f"'{name}' does not apply to this query; it narrows deeper kinds.")
    return schema(cursor=params.cursor, per_page=params.per_page, **fields)


@router.get("/registries", response={200: RegistryPage, **QUERY_ERRORS})
def query_registries(request, params: Query[QueryParams]):
    """Registries the caller can see that match `filter` (name, description, dates)."""
    return _registries(request, _from_params(params, RegistryQuery))


@router.post("/registries", response={200: RegistryPage, **QUERY_ERRORS})
def query_registries_post(request, payload: RegistryQuery):
    """As GET, with the query as a JSON body."""
    return _registries(request, payload)


@router.get("/collections", response={200: CollectionPage, **QUERY_ERRORS})
def query_collections(request, params: Query[QueryParams]):
    """Collections matching `filter`, in registries matching `registry_filter`."""
    return _collections(request, _from_params(params, CollectionQuery))


@router.post("/collections", response={200: CollectionPage, **QUERY_ERRORS})
def query_collections_post(request, payload: CollectionQuery):
    return _collections(request, payload)


@router.get("/versions", response={200: VersionPage, **QUERY_ERRORS})
def query_versions(request, params: Query[QueryParams]):
    """Versions matching `filter`, in collections and registries matching theirs."""
    return _versions(request, _from_params(params, VersionQuery))


@router.post("/versions", response={200: VersionPage, **QUERY_ERRORS})
def query_versions_post(request, payload: VersionQuery):
    return _versions(request, payload)
