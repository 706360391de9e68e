"""Global search: query parsing and the visibility-aware search selector.

A query is free text plus optional filters (`alias:production tag:best type:model
registry:Model collection:zoo`), or a version's path as the SDK writes it
(`Model/zoo:production`, `wandb-registry-Model/zoo:production`, with an optional
organization in front), which stands for `registry:Model collection:zoo alias:production`.
Hits come in three groups (registries, collections, versions), best first: exact match,
then prefix (both by name), then substring (oldest first); names before tags before
descriptions.

Speed: a search runs at most three queries — the visible registries (matched here, in
Python: they are few), then one per group (search_scope.read_group). Every match is one
of three index-friendly shapes on `lower(name)`: equality and prefix on a `COLLATE "C"`
b-tree, substring as `LIKE '%x%'` on a trigram GIN index (migration 0003); a group's
feeds run best tier first in one statement that stops after COUNT_CAP + 1 rows, so no
search reads every matching row of a common word, and counts stop at COUNT_CAP.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Lower

from registry import key_scopes, permissions
from registry.db import fold
from registry.models import ProtectedAlias, Registry
from registry.names import RefKind, parse_ref
from registry.selectors.compiled import compiled_query, int_marker
from registry.selectors.search_feeds import (
    EXACT,
    FILTER,
    PREFIX,
    SUBSTRING,
    TIER,
    Row,
    best,
    excerpt,
)
from registry.selectors.search_hits import Hit, Match, build_hits
from registry.selectors.search_scope import COLLECTION, VERSION, read_group
from registry.selectors.versions import SEPARATOR

FILTERS = ("alias", "tag", "type", "registry", "collection")
FILTER_LIST = "Filters: alias:, tag:, type:, registry:, collection:"
PATH_HINT = (
    "A version's path works too: registry/collection:alias (for example Model/zoo:production)."
)
MIN_LENGTH = 2
COUNT_CAP = 200
REGISTRY = "registry"
KINDS = (REGISTRY, COLLECTION, VERSION)

HINT_EMPTY = (
    "Type at least 2 characters to search registries, collections, tags and aliases. "
    f"{FILTER_LIST} (for example alias:production)."
)
HINT_SHORT = "'{text}' is too short: type at least 2 characters. " + FILTER_LIST
UNKNOWN_FILTER = "Unknown filter '{name}:'. " + FILTER_LIST + ". " + PATH_HINT
EMPTY_FILTER = "Filter '{name}:' needs a value, for example {example}."
NO_RESULTS = "Nothing matches '{query}'. Try part of a name, an alias or a tag."
_EXAMPLES = {
    "alias": "alias:production",
    "tag": "tag:best",
    "type": "type:model",
    "registry": "registry:Model",
    "collection": "collection:zoo",
}
_FILTER_TOKEN = re.compile(r"^([A-Za-z_][\w-]*):(.*)$")
REGISTRY_PATH_PREFIX = "wandb-registry-"


@dataclass(frozen=True)
class ParsedQuery:
    raw: str
    text: str  # free text, lower-cased
    filters: dict[str, str]  # filter name -> value, lower-cased
    error: str | None = None  # why the query cannot run (shown to the user)


def parse_query(q: str | None) -> ParsedQuery:
    raw = (q or "").strip()
    words: list[str] = []
    filters: dict[str, str] = {}
    for token in raw.split():
        if "/" in token:
            filters.update(_path_filters(fold(token)))
            continue
        match = _FILTER_TOKEN.match(token)
        if match is None:
            words.append(token)
            continue
        name, value = match.group(1).lower(), fold(match.group(2).strip())
        if name not in FILTERS:
            return ParsedQuery(raw, "", {}, UNKNOWN_FILTER.format(name=match.group(1)))
        if not value:
            return ParsedQuery(raw, "", {}, EMPTY_FILTER.format(name=name, example=_EXAMPLES[name]))
        filters[name] = value
    # Plain words keep their spacing: an alias may hold several spaces in a row.
    # Folded as the database lowers names, which the feeds compare it with.
    text = fold(raw if not filters and len(words) == len(raw.split()) else " ".join(words))
    error = None
    if not text and not filters:
        error = HINT_EMPTY
    elif 0 < len(text) < MIN_LENGTH:
        error = HINT_SHORT.format(text=text)
    return ParsedQuery(raw, text, filters, error)


def _path_filters(token: str) -> dict[str, str]:
    """`[org/]registry/collection[:alias]` as filters; `:vN` and `:latest` keep the collection.

    The registry part may carry W&B's `wandb-registry-` prefix. An empty part adds nothing.
    """
    path, _, ref = token.partition(":")
    parts = [p for p in path.split("/") if p]
    found: dict[str, str] = {}
    if parts:
        found["collection"] = parts[-1]
    if len(parts) >= 2:
        found["registry"] = parts[-2].removeprefix(REGISTRY_PATH_PREFIX)
    if ref and parse_ref(ref).kind == RefKind.ALIAS:
        found["alias"] = ref
    return found


@dataclass
class SearchResults:
    query: ParsedQuery
    hits: dict[str, list[Hit]] = field(default_factory=lambda: {k: [] for k in KINDS})
    counts: dict[str, int] = field(default_factory=lambda: {k: 0 for k in KINDS})
    capped: dict[str, bool] = field(default_factory=lambda: {k: False for k in KINDS})

    @property
    def count(self) -> int:
        return sum(self.counts.values())

    @property
    def count_is_exact(self) -> bool:
        return not any(self.capped.values())

    @property
    def hint(self) -> str | None:
        if self.query.error:
            return self.query.error
        if not self.count:
            return NO_RESULTS.format(query=self.query.raw)
        return None

    def flat(self) -> list[Hit]:
        return [hit for kind in KINDS for hit in self.hits[kind]]


class _Search:
    """One search for one user: the visible registries, and the hits of each group."""

    def __init__(self, user, query: ParsedQuery):
        self.query = query
        registries = visible_registries(user)
        if "registry" in query.filters:
            registries = [r for r in registries if r.name.lower() == query.filters["registry"]]
        self.registries = {r.pk: r for r in registries}

    def group(self, kind: str, need: int) -> tuple[list[Row], bool]:
        q = self.query
        return read_group(kind, q.text, q.filters, list(self.registries), need)

    def registry_hits(self) -> list[tuple[int, Match]]:
        text, f = self.query.text, self.query.filters
        if {"alias", "tag", "type", "collection"} & f.keys():
            return []
        hits = []
        for r in self.registries.values():
            lname = r.name.lower()
            if not text:
                hits.append(((0, lname), r.pk, Match("registry", r.name, FILTER)))
            elif text in lname:
                kind = EXACT if lname == text else PREFIX if lname.startswith(text) else SUBSTRING
                hits.append(((TIER[kind], lname), r.pk, Match("name", r.name, kind)))
            elif text in r.description.lower():
                match = Match("description", excerpt(r.description, text), SUBSTRING)
                hits.append(((3, lname), r.pk, match))
        return [(pk, match) for _key, pk, match in sorted(hits, key=lambda h: h[0])]


class VisibleRegistry(NamedTuple):
    pk: int
    name: str
    description: str
    protected_names: str | None  # lower-cased, space-separated (alias names hold no spaces)


def _registries_query(user):
    names = (
        ProtectedAlias.objects.filter(registry=OuterRef("pk"))
        .order_by()
        .values("registry")
        .annotate(names=StringAgg(Lower("name"), Value(SEPARATOR)))
        .values("names")
    )
    return (
        permissions.visible_registries(user)
        .annotate(protected_names=Subquery(names))
        .order_by("name")
        .values_list("pk", "name", "description", "protected_names")
    )


def visible_registries(user) -> list[VisibleRegistry]:
    """The registries the user may see, by name, with their protected alias names (the
    version chips need them), in one query. For a signed-in user without a registry-scoped
    key — nearly every search — the query is compiled once and run with the user's id."""
    scope = key_scopes.scope_of(user)
    common = (
        user is not None
        and user.is_authenticated
        and user.is_active
        and not user.is_superuser
        and (scope is None or scope.registry_ids is None)
    )
    if not common:
        return [VisibleRegistry(*row) for row in _registries_query(user)]

    def build():
        stand_in = get_user_model()(pk=int_marker(0), is_active=True, is_superuser=False)
        return _registries_query(stand_in), None, {int_marker(0): "user"}

    # The role check names the registry's content type by id (cached by Django after the
    # first look-up); a database whose content types were made again gets its own query.
    content_type = ContentType.objects.get_for_model(Registry).pk
    query, _ = compiled_query(("search-registries", content_type), build)
    return [VisibleRegistry(*row) for row in query.rows(user=user.pk)]


def _page_window(counts: dict[str, int], page: int, per_page: int) -> dict[str, tuple[int, int]]:
    """(offset, size) per kind for one page of the flat list registries+collections+versions."""
    start, room, window = (max(page, 1) - 1) * per_page, per_page, {}
    for kind in KINDS:
        offset = min(start, counts[kind])
        size = max(0, min(room, counts[kind] - offset))
        window[kind] = (offset, size)
        start -= offset
        room -= size
    return window


def search(
    user,
    q: str | None,
    *,
    per_group: int = 20,
    page: int | None = None,
    per_page: int = 20,
) -> SearchResults:
    """What the user may see that matches `q`, best first.

    Without `page`: the best `per_group` hits of each kind (the results page, the live
    results). With `page`: that page of the flat list registries, collections, versions
    (the API). Counts stop at COUNT_CAP per kind, and so does the flat list. The live
    results, which show three hits and no count, read as many rows as the page: asked for
    only a few rows, PostgreSQL's planner walks a substring feed in id order
    hoping to meet a match soon, and reads the whole table when the text matches nothing
    (0.5 s at a million versions); asked for the cap, it reads the trigram index.
    """
    query = parse_query(q)
    results = SearchResults(query)
    if query.error:
        return results
    s = _Search(user, query)
    need = COUNT_CAP + 1
    ranked = {REGISTRY: s.registry_hits()}
    complete = {REGISTRY: True}
    for kind in (COLLECTION, VERSION):
        rows, complete[kind] = s.group(kind, need)
        ranked[kind] = best(rows)
    for kind in KINDS:
        results.counts[kind] = min(len(ranked[kind]), COUNT_CAP)
        # A stream cut at `need` rows may hold an object twice: then there are more hits
        # than it shows, and the count says "at least".
        results.capped[kind] = len(ranked[kind]) > COUNT_CAP or not complete[kind]
    if page is None:
        window = {kind: (0, per_group) for kind in KINDS}
    else:
        window = _page_window(results.counts, page, per_page)
    picked = {kind: ranked[kind][:COUNT_CAP][o : o + n] for kind, (o, n) in window.items()}
    results.hits = build_hits(picked, s.registries)
    return results
