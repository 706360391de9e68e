"""The querysets one search reads: what is visible and matches its filters, as feeds.

A group's query (its feeds as one UNION ALL, see search_feeds) depends on the query's
shape only: whether there is free text, which filters, how many registries are visible
and how many rows are needed. It is built with the ORM once per shape, with marker values
standing in for the text, the filter values and the registry ids, compiled once
(selectors.compiled), and run with the real values: compiling a UNION of seven parts costs
several times what PostgreSQL takes to run it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower

from registry.models import Alias, Collection, CollectionTag, VersionTag
from registry.selectors.compiled import compiled_query, int_marker, marker
from registry.selectors.search_feeds import (
    COLLECTION_COLUMNS,
    VERSION_COLUMNS,
    Feed,
    Row,
    collection_columns,
    description_feed,
    exact_feed,
    group_query,
    listing_feed,
    lower_eq,
    name_feeds,
    read_rows,
    upper_bound,
    version_columns,
)

COLLECTION, VERSION = "collection", "version"
# Filters the database applies; `registry:` only narrows the visible ids, in Python.
SQL_FILTERS = ("alias", "tag", "type", "collection")


@dataclass(frozen=True)
class _Values:
    """What a scope compares with: real values, or markers standing in for them."""

    text: str
    upper: str
    filters: dict[str, str]
    ids: list[int]


class Scope:
    """Visible, filter-matching rows of one search, as the feeds of each group."""

    def __init__(self, values: _Values):
        self.v = values
        self.f = values.filters

    @cached_property
    def in_collection(self):
        """Collections in the visible registries that the collection:/type: filters select."""
        collections = Collection.objects.filter(registry_id__in=self.v.ids)
        if "collection" in self.f:
            collections = lower_eq(collections, self.f["collection"])
        if "type" in self.f:
            collections = collections.alias(ltype=Lower("type")).filter(ltype=self.f["type"])
        return collections

    @cached_property
    def collections(self):
        collections = self.in_collection
        if "tag" in self.f:
            tagged = CollectionTag.objects.filter(collection=OuterRef("pk"))
            collections = collections.filter(Exists(lower_eq(tagged, self.f["tag"])))
        return collections

    def version_scope(self, prefix: str, *, skip: str = "") -> Q:
        """Visible, type- and filter-matching versions; `skip` a filter the feed applies
        itself (an alias feed for `alias:x` needs no `EXISTS alias x`)."""
        f = self.f
        q = Q(**{f"{prefix}collection__registry_id__in": self.v.ids})
        if "type" in f or "collection" in f:
            q &= Q(**{f"{prefix}collection__in": self.in_collection.values("pk")})
        if "alias" in f and skip != "alias":
            held = Alias.objects.filter(version=OuterRef("version_id"))
            q &= Exists(lower_eq(held, f["alias"]))
        if "tag" in f and skip != "tag":
            tagged = VersionTag.objects.filter(version=OuterRef("version_id"))
            q &= Exists(lower_eq(tagged, f["tag"]))
        return q

    def aliases(self, skip: str = ""):
        scoped = Alias.objects.filter(self.version_scope("", skip=skip))
        return version_columns(scoped, "version__", "collection__")

    def version_tags(self, skip: str = ""):
        scoped = VersionTag.objects.filter(self.version_scope("version__", skip=skip))
        return version_columns(scoped, "version__")

    def collection_feeds(self) -> list[Feed]:
        text, upper, f = self.v.text, self.v.upper, self.f
        if "alias" in f:
            return []
        tags = CollectionTag.objects.filter(collection__in=self.collections)
        if text:
            described = collection_columns(self.collections, text="description")
            return tiered(
                name_feeds(collection_columns(self.collections), "name", 0, text, upper),
                name_feeds(collection_columns(tags, "collection__"), "tag", 1, text, upper),
                [description_feed(described, 2, text)],
            )
        if "tag" in f:
            named = CollectionTag.objects.filter(collection__in=self.in_collection)
            return [exact_feed(collection_columns(named, "collection__"), "tag", 0, f["tag"])]
        # Only collection:/type:/registry: filters: list the collections they select.
        field_name = next(n for n in ("collection", "type", "registry") if n in f)
        return [listing_feed(collection_columns(self.collections), field_name)]

    def version_feeds(self) -> list[Feed]:
        text, upper, f = self.v.text, self.v.upper, self.f
        if text:
            return tiered(
                name_feeds(self.aliases(), "alias", 0, text, upper),
                name_feeds(self.version_tags(), "tag", 1, text, upper),
            )
        if "alias" in f:
            return [exact_feed(self.aliases(skip="alias"), "alias", 0, f["alias"])]
        if "tag" in f:
            return [exact_feed(self.version_tags(skip="tag"), "tag", 0, f["tag"])]
        return []  # collection:/type:/registry: alone list collections, not every version.


def tiered(*groups: list[Feed]) -> list[Feed]:
    """Feeds in rank order: by tier, then by priority (names before tags)."""
    return sorted((feed for group in groups for feed in group), key=lambda f: f.key(0, "")[:2])


def read_group(
    kind: str, text: str, filters: dict[str, str], ids: list[int], need: int
) -> tuple[list[Row], bool]:
    """The first `need` rows of one group (COLLECTION or VERSION) for a search of `text`
    and `filters` (lower-cased) within the registries `ids`, in rank order, in one query;
    and whether that was every row."""
    if not ids:
        return [], True  # nothing visible (or no visible registry has the name asked for)
    in_sql = {name: value for name, value in filters.items() if name in SQL_FILTERS}
    shape = ("search", kind, bool(text), tuple(sorted(in_sql)), len(ids), need)

    def build():
        markers = _Values(
            text=marker("text") if text else "",
            upper=marker("upper") if text else "",
            filters={name: marker(name) for name in filters},
            ids=[int_marker(i) for i in range(len(ids))],
        )
        scope = Scope(markers)
        feeds = scope.collection_feeds() if kind == COLLECTION else scope.version_feeds()
        if not feeds:
            return None, feeds, {}
        columns = COLLECTION_COLUMNS if kind == COLLECTION else VERSION_COLUMNS
        names = {marker(n): n for n in ("text", "upper", *in_sql)}
        names |= {int_marker(i): f"id{i}" for i in range(len(ids))}
        return group_query(feeds, columns, need), feeds, names

    query, feeds = compiled_query(shape, build)
    if query is None:
        return [], True
    values = {"text": text, "upper": upper_bound(text) if text else "", **filters}
    values |= {f"id{i}": pk for i, pk in enumerate(ids)}
    columns = COLLECTION_COLUMNS if kind == COLLECTION else VERSION_COLUMNS
    return read_rows(query.rows(**values), feeds, columns, need, values)
