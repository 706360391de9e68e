"""The Registry query API's reads: registries, collections and versions matching W&B filters.

Each kind narrows the one above it: a versions query keeps the versions of collections
matching the collection filter, in registries matching the registry filter, among the
registries the caller can see. Every filter is compiled to SQL (`registry.predicates`).
Pages are keyset pages on the primary key (creation order), so a row linked while a client
pages through is neither skipped nor repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from registry import permissions
from registry.errors import Invalid
from registry.models import Collection, LinkedVersion, Registry
from registry.predicates import compile_filter
from registry.selectors.versions import version_states

PER_PAGE_MAX = 100
CURSOR_INVALID = (
    "'{cursor}' is not a cursor: pass the next_cursor of a previous page, or none for the "
    "first page."
)


def find_registries(user, filter: dict[str, Any] | None = None) -> QuerySet[Registry]:
    """Visible registries matching `filter` (restricted ones only where the user has a role)."""
    return permissions.visible_registries(user).filter(compile_filter("registries", filter))


def find_collections(
    user, *, registry_filter: dict[str, Any] | None = None, filter: dict[str, Any] | None = None
) -> QuerySet[Collection]:
    registries = find_registries(user, registry_filter)
    return (
        Collection.objects.filter(registry__in=registries.values("pk"))
        .filter(compile_filter("collections", filter))
        .select_related("registry")
        .annotate(version_count=Count("versions", distinct=True))
        .prefetch_related("tags")
    )


def find_versions(
    user,
    *,
    registry_filter: dict[str, Any] | None = None,
    collection_filter: dict[str, Any] | None = None,
    filter: dict[str, Any] | None = None,
) -> QuerySet[LinkedVersion]:
    """Rows of `version_states()` (chips and tags included) matching the three filters."""
    registries = find_registries(user, registry_filter)
    collections = Collection.objects.filter(registry__in=registries.values("pk")).filter(
        compile_filter("collections", collection_filter)
    )
    return version_states().filter(
        compile_filter("versions", filter), collection__in=collections.values("pk")
    )


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: str | None


def page_of(queryset: QuerySet, *, cursor: str | None, per_page: int) -> Page:
    """Up to `per_page` rows after `cursor`, and the cursor of the next page (None at the end)."""
    if not 1 <= per_page <= PER_PAGE_MAX:
        raise Invalid(f"per_page must be between 1 and {PER_PAGE_MAX}, not {per_page}.")
    rows = queryset.order_by("pk")
    if cursor:
        if not cursor.isdigit() or len(cursor) > 18:
            raise Invalid(CURSOR_INVALID.format(cursor=cursor[:40]))
        rows = rows.filter(pk__gt=int(cursor))
    items = list(rows[: per_page + 1])
    more = len(items) > per_page
    items = items[:per_page]
    return Page(items, str(items[-1].pk) if more else None)
