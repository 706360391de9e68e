"""The Registry query API's reads: registries, collections and versions matching W&B filters.

Each kind narrows the one above it: a versions query keeps the versions of collections
matching the collection filter, in registries matching the registry filter, among the
registries the caller can see. Every filter is compiled to SQL (`registry.predicates`).
Pages are keyset pages on the primary key (creation order), so a row linked while a client
pages through is neither skipped nor repeated.

A collections or versions page is two queries: the visible registries' ids, then one
statement whose subquery picks the page's ids on the filters' tables alone and whose
outer part joins only those rows for showing (`Found`, `page_of`). Each part is planned
for what it does; as one join PostgreSQL planned the filter among the display tables.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import BooleanField, Count, F, Func, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from registry import permissions
from registry.errors import Invalid
from registry.models import Collection, LinkedVersion, Registry
from registry.predicates import compile_filter, narrowing
from registry.selectors import search
from registry.selectors.versions import version_states

PER_PAGE_MAX = 100
CURSOR_INVALID = (
    "'{cursor}' is not a cursor: pass the next_cursor of a previous page, or none for the "
    "first page."
)


def find_registries(user, filter: dict[str, Any] | None = None) -> QuerySet[Registry]:
    """Visible registries matching `filter` (restricted ones only where the user has a role)."""
    return permissions.visible_registries(user).filter(compile_filter("registries", filter))


def _registry_ids(user, filter: dict[str, Any] | None) -> list[int]:
    """The ids of `find_registries(user, filter)`, read first (registries are few): the
    queries below then name them, rather than nest the role check in every statement,
    which PostgreSQL plans again each time. Without a registry filter this is the
    search's own compiled query of the visible registries."""
    if filter:
        return list(find_registries(user, filter).values_list("pk", flat=True))
    return [registry.pk for registry in search.visible_registries(user)]


@dataclass(frozen=True)
class Found:
    """What a query found, in two parts: `matches`, the visible rows meeting the filters,
    on the filters' own tables only; and `shown`, every row of the kind with what its
    answer shows (joins, annotations, prefetches), unfiltered. `page_of` picks a page's
    ids from `matches` and reads those rows of `shown`, in one statement.

    Kept apart because PostgreSQL plans one statement as one join problem: with a
    version's nine display tables in the same statement as its filter, it ordered the
    joins for the whole catalogue (two seconds at a million versions for 75 matches);
    the ids alone it finds from the filter's indexes in a few milliseconds.
    """

    matches: QuerySet
    shown: QuerySet


def find_collections(
    user, *, registry_filter: dict[str, Any] | None = None, filter: dict[str, Any] | None = None
) -> Found:
    matches = Collection.objects.filter(
        compile_filter("collections", filter),
        narrowing("collections", filter),
        registry_id__in=_registry_ids(user, registry_filter),
    )
    counts = (
        LinkedVersion.objects.filter(collection=OuterRef("pk"))
        .order_by()
        .values("collection")
        .annotate(n=Count("pk"))
        .values("n")
    )
    shown = (
        Collection.objects.select_related("registry")
        .annotate(version_count=Coalesce(Subquery(counts), 0))
        .prefetch_related("tags")
    )
    return Found(matches, shown)


def find_versions(
    user,
    *,
    registry_filter: dict[str, Any] | None = None,
    collection_filter: dict[str, Any] | None = None,
    filter: dict[str, Any] | None = None,
) -> Found:
    """Versions matching the three filters, shown as rows of `version_states()` (chips and
    tags included)."""
    matches = LinkedVersion.objects.filter(
        compile_filter("versions", filter),
        narrowing("versions", filter),
        collection__registry_id__in=_registry_ids(user, registry_filter),
    )
    if collection_filter:
        collections = Collection.objects.filter(
            compile_filter("collections", collection_filter),
            narrowing("collections", collection_filter),
        )
        matches = matches.filter(collection__in=collections.values("pk"))
    return Found(matches, version_states())


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: str | None


def page_of(found: QuerySet | Found, *, cursor: str | None, per_page: int) -> Page:
    """Up to `per_page` rows after `cursor`, and the cursor of the next page (None at the end)."""
    if not 1 <= per_page <= PER_PAGE_MAX:
        raise Invalid(f"per_page must be between 1 and {PER_PAGE_MAX}, not {per_page}.")
    rows = found.matches if isinstance(found, Found) else found
    rows = rows.order_by("pk")
    if cursor:
        if not cursor.isdigit() or len(cursor) > 18:
            raise Invalid(CURSOR_INVALID.format(cursor=cursor[:40]))
        rows = rows.filter(pk__gt=int(cursor))
    rows = rows[: per_page + 1]
    if isinstance(found, Found):
        rows = found.shown.filter(_among(rows.values("pk"))).order_by("pk")
    with _planned_for_its_values():
        items = list(rows)
    more = len(items) > per_page
    items = items[:per_page]
    return Page(items, str(items[-1].pk) if more else None)


@contextmanager
def _planned_for_its_values():
    """Statements run here are not prepared (PostgreSQL): each is planned for the values
    it carries.

    The app prepares a statement run twice on a connection (settings), and after five
    runs PostgreSQL may keep one generic plan for every value. A filter's best plan
    depends on its values (a recent date range reads 600 collections from the date
    index; the generic plan, guessing a third of the rows, walked all 100,000 in id
    order: 17 ms instead of 5), and a generic plan chosen for a common tag would read a
    whole table for a rare one. Planning each time costs about a millisecond.
    """
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    psycopg_connection = connection.connection
    threshold = psycopg_connection.prepare_threshold
    psycopg_connection.prepare_threshold = None
    try:
        yield
    finally:
        psycopg_connection.prepare_threshold = threshold


def _among(ids: QuerySet) -> Q:
    """`pk` among the ids a (sliced) subquery answers.

    On PostgreSQL as `pk = ANY(ARRAY(subquery))`: the subquery runs once, on its own
    plan, and its ids reach the outer statement as a list to look up in the primary key.
    As `pk IN (subquery)` the planner joins the two, and with the display tables already
    joined (more than its join_collapse_limit) it joined the subquery last, after a hash
    join of the whole catalogue.
    """
    if connection.vendor != "postgresql":
        return Q(pk__in=ids)
    return Q(_AnyOf(F("pk"), ArraySubquery(ids)))


class _AnyOf(Func):
    """`value = ANY(array)` (PostgreSQL)."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        value, array = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{value[0]} = ANY({array[0]})", (*value[1], *array[1])
