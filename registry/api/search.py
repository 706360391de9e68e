"""`GET /api/v1/search?q=&page=`: the same search as the page, paginated."""

from __future__ import annotations

from ninja import Query, Router, Schema

from registry.api.schemas import AUTH_ERRORS, Error
from registry.selectors.search import search

PER_PAGE = 20

router = Router(tags=["search"])


class SearchParams(Schema):
    q: str = ""
    page: int = 1


class MatchOut(Schema):
    field: str
    value: str
    kind: str


class AliasOut(Schema):
    name: str
    kind: str


class HitOut(Schema):
    kind: str
    registry: str
    collection: str | None
    version: str | None
    name: str
    url: str
    matched: MatchOut
    aliases: list[AliasOut]


class SearchOut(Schema):
    query: str
    page: int
    per_page: int
    count: int
    count_is_exact: bool
    results: list[HitOut]
    hint: str | None


@router.get(
    "",
    response={200: SearchOut, 400: Error, **AUTH_ERRORS},
    summary="Search registries, collections, tags and aliases",
)
def search_endpoint(request, params: Query[SearchParams]):
    """Hits the caller may see, best first: registries, then collections, then versions.

    `count` stops at 1000 per kind (registry.selectors.search.COUNT_CAP); `count_is_exact` says
    whether it did.
    """
    page = max(params.page, 1)
    results = search(request.auth, params.q, page=page, per_page=PER_PAGE)
    return {
        "query": params.q,
        "page": page,
        "per_page": PER_PAGE,
        "count": results.count,
        "count_is_exact": results.count_is_exact,
        "results": [hit.as_dict() for hit in results.flat()],
        "hint": results.hint,
    }
