"""Feeds: ordered streams of candidate rows, read for one group in one query.

Each feed is one index-friendly query whose rows come in rank order: exact matches and
prefix matches as an equality and a range on the `COLLATE "C"` b-tree of `lower(name)`,
substring matches on the trigram GIN index (migration 0003), oldest first. A group's feeds
are listed best tier first, so their concatenation is already in rank order; `group_query`
reads it as one `UNION ALL … LIMIT need`. PostgreSQL runs the parts of a UNION ALL one after
the other and stops as soon as `need` rows have arrived, so a substring scan only runs when
the exact and prefix matches do not fill what is asked, and no feed reads more rows than
the group shows or counts.

Every row carries what its hit displays (names, indexes, a version's aliases), so a group
needs no second query to hydrate its hits.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import F, OuterRef, QuerySet, StringAgg, Subquery, Value
from django.db.models.functions import Collate, Lower

from registry.models import Alias, LinkedVersion
from registry.selectors.search_hits import Match
from registry.selectors.versions import SEPARATOR

EXACT, PREFIX, SUBSTRING, FILTER, DESCRIPTION = "exact", "prefix", "substring", "filter", "desc"
TIER = {EXACT: 0, FILTER: 0, PREFIX: 1, SUBSTRING: 2, DESCRIPTION: 3}

# The columns every row of a group carries, in order: the row's own id, the id of the
# object it stands for, the matched text, then what displaying the object needs.
COLLECTION_COLUMNS = ("s_pk", "s_obj", "s_text", "s_name", "s_type", "s_registry")
VERSION_COLUMNS = (*COLLECTION_COLUMNS, "s_index", "s_latest", "s_aliases")
# Alias names may hold spaces but never a "/" (names.ALIAS_RE).
ALIAS_SEPARATOR = SEPARATOR


@dataclass(frozen=True)
class Feed:
    """`source` is ordered by rank and annotated with its group's columns; every row of it
    matched `field` in the same way (`kind`)."""

    source: QuerySet
    kind: str
    prio: int  # among feeds of one tier: names before tags before descriptions
    field: str
    # The query value a match shows instead of the row's text: the searched text for a
    # description excerpt, a filter's value for a listing.
    shows: str = ""

    def key(self, pk: int, text: str) -> tuple:
        lname = text.lower() if self.kind in (EXACT, PREFIX, FILTER) else ""
        return (TIER[self.kind], self.prio, lname, pk)

    def match(self, text: str, values: dict) -> Match:
        if self.kind == DESCRIPTION:
            return Match("description", excerpt(text, values[self.shows]), SUBSTRING)
        if self.shows:
            return Match(self.field, values[self.shows], FILTER)
        return Match(self.field, text, self.kind)


@dataclass(frozen=True)
class Row:
    key: tuple
    obj: int
    match: Match
    values: dict


def group_query(feeds: list[Feed], columns: tuple[str, ...], need: int) -> QuerySet:
    """The feeds' concatenation cut at `need` rows, as one query of (feed number, *columns)."""
    if connection.features.supports_slicing_ordering_in_compound:
        parts = [_numbered(f.source, i, columns)[:need] for i, f in enumerate(feeds)]
    else:
        # SQLite cannot limit the parts of a compound statement, but can limit a subquery.
        parts = [
            _numbered(f.source.order_by().filter(pk__in=f.source.values("pk")[:need]), i, columns)
            for i, f in enumerate(feeds)
        ]
    if len(parts) == 1:
        return parts[0]
    # No ORDER BY on the whole (the models' default one would name a column it lacks).
    query = parts[0].union(*parts[1:], all=True).order_by()
    if connection.features.supports_slicing_ordering_in_compound:
        query = query[:need]
    return query


def read_rows(
    found: list[tuple], feeds: list[Feed], columns: tuple[str, ...], need: int, values: dict
) -> tuple[list[Row], bool]:
    """A group query's rows in rank order, cut at `need`; and whether they were all."""
    rows = []
    for feed_no, *cells in found:
        feed = feeds[feed_no]
        named = dict(zip(columns, cells, strict=True))
        rows.append((feed_no, feed.key(named["s_pk"], named["s_text"]), feed, named))
    # Parts come one after the other in rank order; sorting restores it within a part
    # where the database gave no order (SQLite's subqueries) and is cheap for `need` rows.
    rows.sort(key=lambda r: (r[0], r[1]))
    complete = len(rows) < need
    rows = rows[:need]
    hits = [Row(key, v["s_obj"], feed.match(v["s_text"], values), v) for _n, key, feed, v in rows]
    return hits, complete


def _numbered(qs: QuerySet, feed_no: int, columns: tuple[str, ...]) -> QuerySet:
    return qs.annotate(feed_no=Value(feed_no)).values_list("feed_no", *columns)


def best(rows: list[Row]) -> list[Row]:
    """Each object once, at its best-ranked row, best first."""
    seen: dict[int, Row] = {}
    for row in sorted(rows, key=lambda r: r.key):
        seen.setdefault(row.obj, row)
    return list(seen.values())


# Group columns -------------------------------------------------------------------------


def collection_columns(qs: QuerySet, path: str = "", text: str = "name") -> QuerySet:
    """`qs` (collections, or rows pointing at one through `path`) with COLLECTION_COLUMNS."""
    return qs.annotate(
        s_pk=F("pk"),
        s_obj=F(f"{path}pk") if path else F("pk"),
        s_text=F(text),
        s_name=F(f"{path}name"),
        s_type=F(f"{path}type"),
        s_registry=F(f"{path}registry_id"),
    )


def version_columns(qs: QuerySet, path: str, collection: str = "") -> QuerySet:
    """Aliases or version tags (`path` to the version: "version__") with VERSION_COLUMNS;
    `collection` is a shorter path to the version's collection where the row has one
    (an alias's own `collection`), which saves the planner a join."""
    collection = collection or f"{path}collection__"
    newest = LinkedVersion.objects.filter(collection=OuterRef(f"{collection}pk")).order_by("-index")
    aliases = (
        Alias.objects.filter(version=OuterRef(f"{path}pk"))
        .order_by()
        .values("version")
        .annotate(names=StringAgg("name", Value(ALIAS_SEPARATOR)))  # chips_for sorts them
        .values("names")
    )
    return qs.annotate(
        s_pk=F("pk"),
        s_obj=F(f"{path}pk"),
        s_text=F("name"),
        s_name=F(f"{collection}name"),
        s_type=F(f"{collection}type"),
        s_registry=F(f"{collection}registry_id"),
        s_index=F(f"{path}index"),
        s_latest=Subquery(newest.values("index")[:1]),
        s_aliases=Subquery(aliases),
    )


# Feeds -----------------------------------------------------------------------------------


def lower_name():
    # `COLLATE "C"` makes the b-tree usable for prefix ranges and orders bytewise.
    lower = Lower("name")
    return Collate(lower, "C") if connection.vendor == "postgresql" else lower


def upper_bound(prefix: str) -> str:
    """A string above every string starting with `prefix`. No character is above
    U+10FFFF: past a trailing one the bound is approximate (names going on with U+10FFFF
    itself are left out), never an error."""
    stripped = prefix.rstrip(chr(0x10FFFF))
    if not stripped:
        return prefix + chr(0x10FFFF)
    return stripped[:-1] + chr(ord(stripped[-1]) + 1)


def name_feeds(qs: QuerySet, fieldname: str, prio: int, term: str, upper: str) -> list[Feed]:
    """Exact, prefix (both by name, on the b-tree) and substring (oldest first, trigram
    index) matches of `term` in `qs`'s names: three feeds, one per tier. `upper` is
    upper_bound(term): every name with the prefix sorts below it."""
    qs = qs.alias(lname=lower_name())
    exact = qs.filter(lname=term).order_by("lname", "pk")
    prefix = qs.filter(lname__gt=term, lname__lt=upper).order_by("lname", "pk")
    substring = (
        qs.alias(lower=Lower("name"))
        .filter(lower__contains=term)
        .exclude(lname__gte=term, lname__lt=upper)
        .order_by("pk")
    )
    return [
        Feed(exact, EXACT, prio, fieldname),
        Feed(prefix, PREFIX, prio, fieldname),
        Feed(substring, SUBSTRING, prio, fieldname),
    ]


def exact_feed(qs: QuerySet, fieldname: str, prio: int, value: str) -> Feed:
    """Rows whose name equals a filter value (`alias:production` alone)."""
    source = qs.alias(lname=lower_name()).filter(lname=value).order_by("lname", "pk")
    return Feed(source, FILTER, prio, fieldname)


def description_feed(qs: QuerySet, prio: int, term: str) -> Feed:
    """Substring matches of `term` (the searched text) in descriptions, oldest first."""
    source = qs.alias(ldesc=Lower("description")).filter(ldesc__contains=term).order_by("pk")
    return Feed(source, DESCRIPTION, prio, "description", shows="text")


def listing_feed(qs: QuerySet, filter_name: str) -> Feed:
    """Every row of `qs` by name, each matched by the filter (`type:model` alone)."""
    source = qs.alias(lname=lower_name()).order_by("lname", "pk")
    return Feed(source, FILTER, 0, filter_name, shows=filter_name)


def excerpt(text: str, term: str, width: int = 60) -> str:
    at = text.lower().find(term)
    start = max(0, at - width // 2)
    snippet = text[start : start + width + len(term)]
    return ("…" if start else "") + snippet + ("…" if start + width + len(term) < len(text) else "")


def lower_eq(qs: QuerySet, value: str) -> QuerySet:
    return qs.alias(lname=lower_name()).filter(lname=value)
