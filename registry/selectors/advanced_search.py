"""Advanced search: filter rows (attribute, operator, value) over one kind of object.

A row list compiles to the same W&B filter the query API and the SDK send
(`{"$and": [{"tag": {"$eq": "best"}}, {"metadata.accuracy": {"$gte": 0.9}}]}`), which
`selectors.query` runs through `registry.predicates`: the page, the API and the SDK share
one query builder, so a row list and its filter always find the same objects. The rows
travel in the URL (`kind=versions&a=tag&o=eq&v=best&a=metadata&k=accuracy&o=gte&v=0.9`),
so a query can be bookmarked and shared; whoever opens it sees only what they may see.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import OuterRef, StringAgg, Subquery, Value

from registry.errors import Invalid
from registry.models import CollectionTag
from registry.selectors import query
from registry.selectors.chips import Chip
from registry.selectors.search_hits import collection_url, registry_url, version_url
from registry.selectors.versions import SEPARATOR, VersionState, split_names

TEXT, NAMES, DATE, METADATA = "text", "names", "date", "metadata"
KIND_LABELS = {"registries": "Registries", "collections": "Collections", "versions": "Versions"}
ATTRIBUTES: dict[str, dict[str, tuple[str, str]]] = {
    "registries": {
        "name": ("Name", TEXT),
        "description": ("Description", TEXT),
        "created_at": ("Created", DATE),
        "updated_at": ("Updated", DATE),
    },
    "collections": {
        "name": ("Name", TEXT),
        "tag": ("Tag", NAMES),
        "description": ("Description", TEXT),
        "created_at": ("Created", DATE),
        "updated_at": ("Updated", DATE),
    },
    "versions": {
        "alias": ("Alias", NAMES),
        "tag": ("Tag", NAMES),
        "metadata": ("Metadata key", METADATA),
        "created_at": ("Created", DATE),
        "updated_at": ("Updated", DATE),
    },
}
OPERATORS: dict[str, dict[str, str]] = {
    TEXT: {"eq": "is", "ne": "is not", "regex": "matches regex", "in": "is one of"},
    NAMES: {
        "eq": "includes",
        "ne": "does not include",
        "regex": "includes one matching regex",
        "in": "includes one of",
    },
    DATE: {"gte": "on or after", "lt": "before", "gt": "after", "lte": "on or before"},
    METADATA: {
        "eq": "=",
        "ne": "≠",
        "gt": ">",
        "gte": "≥",
        "lt": "<",
        "lte": "≤",
        "regex": "matches regex",
        "exists": "exists",
    },
}
PLACEHOLDERS = {TEXT: "resnet", NAMES: "production", DATE: "2026-01-31", METADATA: "0.9"}
MAX_ROWS = 20
PER_PAGE = 50

KIND_UNKNOWN = "Unknown kind '{kind}': choose registries, collections or versions."
ATTRIBUTE_UNKNOWN = "Row {n}: {kind} have no attribute '{attribute}'; choose one of: {allowed}."
OPERATOR_UNKNOWN = "Row {n}: '{label}' takes one of these operators: {allowed}; not '{op}'."
ATTRIBUTE_CHANGED = "Row {n}: {kind} have no attribute '{attribute}'; it now reads {label}."
OPERATOR_CHANGED = "Row {n}: '{label}' has no operator '{op}'; it now reads '{op_label}'."
KEY_MISSING = "Row {n}: name the metadata key, for example accuracy or eval.f1."
VALUE_MISSING = "Row {n}: '{label} {op_label}' needs a value."
TOO_MANY_ROWS = f"An advanced search takes at most {MAX_ROWS} rows."


@dataclass(frozen=True)
class FilterRow:
    attribute: str
    operator: str
    value: str = ""
    key: str = ""  # the metadata key, for attribute "metadata"

    @property
    def field(self) -> str:
        return f"metadata.{self.key}" if self.attribute == "metadata" else self.attribute


@dataclass
class AdvancedQuery:
    kind: str = "versions"
    rows: list[FilterRow] = field(default_factory=list)
    cursor: str | None = None
    errors: list[str] = field(default_factory=list)  # the query cannot run
    notices: list[str] = field(default_factory=list)  # what was changed to make it run

    def querystring(self, *, cursor: str | None = None) -> str:
        """The canonical URL query: kind, then each row's a/k/o/v in order."""
        pairs = [("kind", self.kind)]
        for row in self.rows:
            pairs += [("a", row.attribute), ("k", row.key), ("o", row.operator), ("v", row.value)]
        if cursor:
            pairs.append(("after", cursor))
        return urlencode(pairs)

    def filter(self) -> dict[str, Any]:
        """The complete rows as a W&B filter (what the query API and the SDK take)."""
        return rows_to_filter(self.kind, self.complete_rows())

    def complete_rows(self) -> list[FilterRow]:
        """Rows with a value (or `exists`): a row just added and not yet filled waits."""
        return [r for r in self.rows if r.value or r.operator == "exists"]

    def row_forms(self) -> list[dict]:
        """What the form shows per row: the row, its type, the operators it may take."""
        forms = []
        for row in self.rows:
            type_ = attribute_type(self.kind, row.attribute)
            forms.append(
                {
                    "row": row,
                    "type": type_,
                    "operators": OPERATORS[type_],
                    "placeholder": PLACEHOLDERS[type_],
                }
            )
        return forms


def attribute_type(kind: str, attribute: str) -> str:
    return ATTRIBUTES[kind][attribute][1]


def parse(params, *, add: bool = False, remove: int | None = None) -> AdvancedQuery:
    """An AdvancedQuery from GET parameters (a QueryDict); `add` appends an empty row and
    `remove` drops the row with that index (the form's Add/Remove buttons)."""
    kind = params.get("kind") or "versions"
    found = AdvancedQuery(kind=kind, cursor=params.get("after") or None)
    if kind not in ATTRIBUTES:
        found.kind = "versions"
        found.errors.append(KIND_UNKNOWN.format(kind=kind[:40]))
        return found
    columns = [params.getlist(name) for name in ("a", "k", "o", "v")]
    count = max(len(c) for c in columns)
    cells = [c + [""] * (count - len(c)) for c in columns]
    attributes = ATTRIBUTES[kind]
    for i, (attribute, key, operator, value) in enumerate(zip(*cells, strict=True)):
        if i == remove:
            continue
        n = len(found.rows) + 1
        # A row edited in the form (another kind, another attribute) keeps what still
        # applies and says what it changed, rather than refusing the whole query.
        if attribute not in attributes:
            first = next(iter(attributes))
            found.notices.append(
                ATTRIBUTE_CHANGED.format(
                    n=n, kind=kind, attribute=attribute[:40], label=attributes[first][0]
                )
            )
            attribute = first
        label, type_ = attributes[attribute]
        if operator not in OPERATORS[type_]:
            first_op, op_label = next(iter(OPERATORS[type_].items()))
            if operator:
                found.notices.append(
                    OPERATOR_CHANGED.format(n=n, label=label, op=operator[:20], op_label=op_label)
                )
            operator = first_op
        found.rows.append(FilterRow(attribute, operator, value.strip(), key.strip()))
    if add:
        first = next(iter(ATTRIBUTES[kind]))
        found.rows.append(FilterRow(first, next(iter(OPERATORS[attribute_type(kind, first)]))))
    if len(found.rows) > MAX_ROWS:
        found.errors.append(TOO_MANY_ROWS)
        found.rows = found.rows[:MAX_ROWS]
    return found


def rows_to_filter(kind: str, rows: list[FilterRow]) -> dict[str, Any]:
    """`{"$and": [...]}` of one condition per row; `Invalid` naming the first wrong row."""
    if kind not in ATTRIBUTES:
        raise Invalid(KIND_UNKNOWN.format(kind=kind[:40]))
    conditions = []
    for n, row in enumerate(rows, start=1):
        attributes = ATTRIBUTES[kind]
        if row.attribute not in attributes:
            allowed = ", ".join(attributes)
            raise Invalid(
                ATTRIBUTE_UNKNOWN.format(
                    n=n, kind=kind, attribute=row.attribute[:40], allowed=allowed
                )
            )
        label, type_ = attributes[row.attribute]
        operators = OPERATORS[type_]
        if row.operator not in operators:
            allowed = ", ".join(f"{o} ({text})" for o, text in operators.items())
            raise Invalid(
                OPERATOR_UNKNOWN.format(n=n, label=label, allowed=allowed, op=row.operator[:20])
            )
        if type_ == METADATA and not row.key:
            raise Invalid(KEY_MISSING.format(n=n))
        if row.operator != "exists" and not row.value:
            raise Invalid(VALUE_MISSING.format(n=n, label=label, op_label=operators[row.operator]))
        conditions.append({row.field: {f"${row.operator}": _operand(type_, row)}})
    return {"$and": conditions} if conditions else {}


def _operand(type_: str, row: FilterRow) -> Any:
    if row.operator == "exists":
        return True
    if row.operator == "in":
        values = [part.strip() for part in row.value.split(",") if part.strip()]
        return [_scalar(type_, v) for v in values]
    return _scalar(type_, row.value) if row.operator != "regex" else row.value


def _scalar(type_: str, text: str) -> Any:
    """Metadata values are JSON where they read as JSON (0.9, 12, true, null), else text."""
    if type_ != METADATA:
        return text
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, int | float | bool) or value is None else text


# Results ---------------------------------------------------------------------------------


@dataclass
class AdvancedHit:
    kind: str
    name: str
    url: str
    why: list[tuple[str, str]]  # (attribute label, the hit's own value of it)
    chips: list[Chip] = field(default_factory=list)


@dataclass
class AdvancedResults:
    query: AdvancedQuery
    hits: list[AdvancedHit] = field(default_factory=list)
    next_cursor: str | None = None
    error: str | None = None
    filter_json: str = ""  # the filter the rows compiled to, for the API and the SDK


def run(user, advanced: AdvancedQuery) -> AdvancedResults:
    """The objects of the query's kind the user may see that meet every row, oldest first,
    one page (PER_PAGE) at a time; at most two queries (collections prefetch their tags)."""
    results = AdvancedResults(advanced)
    if advanced.errors:
        results.error = advanced.errors[0]
        return results
    if not advanced.complete_rows():
        return results
    try:
        filter_ = advanced.filter()
        results.filter_json = json.dumps(filter_, separators=(",", ":"))
        found = {
            "registries": lambda: query.find_registries(user, filter_),
            "collections": lambda: _collections_shown(query.find_collections(user, filter=filter_)),
            "versions": lambda: _versions_shown(query.find_versions(user, filter=filter_)),
        }[advanced.kind]()
        page = query.page_of(found, cursor=advanced.cursor, per_page=PER_PAGE)
    except Invalid as e:
        results.error = str(e)
        return results
    results.hits = [_hit(advanced, item) for item in page.items]
    results.next_cursor = page.next_cursor
    return results


def _versions_shown(found: query.Found) -> query.Found:
    """A hit shows its path, chips and the rows' values: of the joins the API's answer
    needs, only the collection, its registry and the source (metadata)."""
    shown = found.shown.select_related(None).select_related("collection__registry", "source")
    return query.Found(found.matches, shown)


def _collections_shown(found: query.Found) -> query.Found:
    """Tags joined in the page's statement rather than prefetched by another: with the
    visible registries read first, a page stays at two queries."""
    tags = (
        CollectionTag.objects.filter(collection=OuterRef("pk"))
        .values("collection")
        .annotate(joined=StringAgg("name", Value(SEPARATOR)))
        .values("joined")
    )
    shown = found.shown.prefetch_related(None).annotate(tag_names=Subquery(tags))
    return query.Found(found.matches, shown)


def _hit(advanced: AdvancedQuery, item) -> AdvancedHit:
    kind = advanced.kind
    why = [(_label(kind, row), _actual(kind, row, item)) for row in advanced.complete_rows()]
    if kind == "registries":
        return AdvancedHit("registry", item.name, registry_url(item.name), why)
    if kind == "collections":
        reg = item.registry.name
        return AdvancedHit("collection", f"{reg}/{item.name}", collection_url(reg, item.name), why)
    state = VersionState.of(item)
    v = item
    reg, coll = v.collection.registry.name, v.collection.name
    return AdvancedHit(
        "version",
        f"{reg}/{coll}:v{v.index}",
        version_url(reg, coll, v.index),
        why,
        chips=list(state.chips),
    )


def _label(kind: str, row: FilterRow) -> str:
    return row.field if row.attribute == "metadata" else ATTRIBUTES[kind][row.attribute][0].lower()


def _actual(kind: str, row: FilterRow, item) -> str:
    """What the object holds for a row's attribute (why it matched), as text."""
    a = row.attribute
    if a == "metadata":
        value: Any = item.source.metadata
        for part in row.key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return "missing" if value is None else json.dumps(value)
    if a == "tag":
        names = VersionState.of(item).tags if kind == "versions" else split_names(item.tag_names)
        return ", ".join(str(n) for n in names) or "none"
    if a == "alias":
        return ", ".join(VersionState.of(item).aliases) or "none"
    if a == "created_at":
        moment = item.linked_at if kind == "versions" else item.created_at
        return moment.date().isoformat()
    if a == "updated_at":
        return item.updated_at.date().isoformat()
    text = getattr(item, a) or ""
    return text if len(text) <= 60 else text[:60] + "…"
