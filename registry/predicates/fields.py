"""What each filterable field compiles to: a column, a set of names, or a metadata key.

Every condition a field returns is TRUE or FALSE in SQL, never NULL, so the compiler can
negate any of them (`$ne`, `$nin`, `$not`, `$nor`) without SQL's three-valued logic
dropping rows whose value is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.db.models.lookups import Exact, In
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from registry.models import LinkedVersion
from registry.predicates.errors import FilterError
from registry.predicates.json_type import JSONTypeOf

NOTHING = Q(pk__in=[])
COMPARISONS = {"$gt": "gt", "$gte": "gte", "$lt": "lt", "$lte": "lte"}
REGISTRY_PREFIX = "wandb-registry-"


def _describe(value: Any) -> str:
    return repr(value) if not isinstance(value, str) else f"'{value}'"


@dataclass(frozen=True)
class TextField:
    """A text column; `optional` text counts as missing when empty."""

    column: str
    optional: bool = False
    strip_prefix: str = ""

    def operand(self, name: str, op: str, value: Any) -> str:
        if not isinstance(value, str):
            raise FilterError(f"'{name}' is text: {op} takes a string, got {_describe(value)}.")
        if self.strip_prefix and value.startswith(self.strip_prefix):
            return value.removeprefix(self.strip_prefix)
        return value

    def lookup(self, lookup: str, value: Any) -> Q:
        return Q(**{f"{self.column}__{lookup}": value})

    def regex(self, pattern: str) -> Q:
        return Q(**{f"{self.column}__regex": pattern})

    def exists(self, flag: bool) -> Q:
        if self.optional:
            return ~Q(**{self.column: ""}) if flag else Q(**{self.column: ""})
        return Q() if flag else NOTHING

    def actual(self, queryset) -> Any:
        return queryset.values_list(self.column, flat=True).first()


@dataclass(frozen=True)
class DateField:
    """A timestamp column, compared with ISO 8601 dates or date-times (UTC when naive)."""

    column: str

    def operand(self, name: str, op: str, value: Any) -> datetime:
        parsed = None
        if isinstance(value, str):
            parsed = parse_datetime(value)
            if parsed is None and (day := parse_date(value)) is not None:
                parsed = datetime.combine(day, time.min)
        if parsed is None:
            raise FilterError(
                f"'{name}' is a date: {op} takes an ISO 8601 date or date-time such as "
                f"'2025-01-31' or '2025-01-31T12:00:00Z', got {_describe(value)}."
            )
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, UTC)

    def lookup(self, lookup: str, value: Any) -> Q:
        return Q(**{f"{self.column}__{lookup}": value})

    def regex(self, pattern: str) -> Q:
        raise AssertionError("the compiler refuses $regex on dates")

    def exists(self, flag: bool) -> Q:
        return Q() if flag else NOTHING

    def actual(self, queryset) -> Any:
        return queryset.values_list(self.column, flat=True).first()


@dataclass(frozen=True)
class NameSetField:
    """Names held in rows of `model` (tags, aliases): a condition holds if any name meets it."""

    model: Any
    owner: str

    def operand(self, name: str, op: str, value: Any) -> str:
        if not isinstance(value, str):
            raise FilterError(f"'{name}' holds names: {op} takes a string, got {_describe(value)}.")
        return value

    def _any(self, **name_lookup) -> Q:
        return Q(Exists(self.model.objects.filter(**{self.owner: OuterRef("pk")}, **name_lookup)))

    def lookup(self, lookup: str, value: Any) -> Q:
        return self._any(**{f"name__{lookup}": value})

    def regex(self, pattern: str) -> Q:
        return self._any(name__regex=pattern)

    def exists(self, flag: bool) -> Q:
        return self._any() if flag else ~self._any()

    def actual(self, queryset) -> Any:
        owners = queryset.values("pk")
        names = self.model.objects.filter(**{f"{self.owner}__in": owners})
        return sorted(names.values_list("name", flat=True))


def _python_lookup(lookup: str, value: Any, candidate: str) -> bool:
    return {
        "exact": lambda: candidate == value,
        "in": lambda: candidate in value,
        "gt": lambda: candidate > value,
        "gte": lambda: candidate >= value,
        "lt": lambda: candidate < value,
        "lte": lambda: candidate <= value,
        "regex": lambda: re.search(value, candidate) is not None,
    }[lookup]()


# The derived names as they read: `v` and the index in decimal, no leading zero (what
# `'v' || index` gives), and `latest`.
_VERSION_NAME = re.compile(r"v(0|[1-9][0-9]{0,9})")
_INDEX_MAX = 2**31 - 1  # PositiveIntegerField's top


def derived_index(name: str) -> int | None:
    """The index a name equal to a derived `vN` points at (`v3` -> 3), else None."""
    match = _VERSION_NAME.fullmatch(name)
    return int(match.group(1)) if match and int(match.group(1)) <= _INDEX_MAX else None


def is_derived(name: str) -> bool:
    """Whether an equality on `name` can match a derived name (then stored aliases alone
    are not every match)."""
    return name == "latest" or derived_index(name) is not None


@dataclass(frozen=True)
class AliasField(NameSetField):
    """Stored aliases plus the derived ones every version has: `vN`, and `latest` on the newest."""

    def _newest(self) -> Q:
        newest = LinkedVersion.objects.filter(collection=OuterRef("collection"))
        return Q(index=Subquery(newest.order_by("-index").values("index")[:1]))

    def _derived(self, lookup: str, value: Any) -> Q:
        if lookup in ("exact", "in"):
            return self._derived_equal([value] if lookup == "exact" else value)
        version_name = Concat(Value("v"), Cast("index", CharField()), output_field=CharField())
        derived = Q(CharField().get_lookup(lookup)(version_name, value))
        if _python_lookup(lookup, value, "latest"):
            derived |= self._newest()
        return derived

    def _derived_equal(self, names: list[str]) -> Q:
        """Equality with derived names, decided here rather than in SQL: `vN` is the
        version with index N and `latest` the newest, as conditions on the version's own
        row. Comparing `'v' || index` with each name instead reads every version (no index
        serves it) and, OR-ed with the stored aliases, keeps PostgreSQL from reaching
        either through an index."""
        indexes = sorted({i for i in map(derived_index, names) if i is not None})
        derived = Q(index__in=indexes) if indexes else NOTHING
        if "latest" in names:
            derived |= self._newest()
        return derived

    def lookup(self, lookup: str, value: Any) -> Q:
        if lookup in ("exact", "in"):
            names = [value] if lookup == "exact" else value
            if not any(map(is_derived, names)):
                return super().lookup(lookup, value)
        return super().lookup(lookup, value) | self._derived(lookup, value)

    def regex(self, pattern: str) -> Q:
        return super().regex(pattern) | self._derived("regex", pattern)

    def exists(self, flag: bool) -> Q:
        # Every version has its `vN`.
        return Q() if flag else NOTHING

    def actual(self, queryset) -> Any:
        version = queryset.values("pk", "index", "collection").first()
        if version is None:
            return []
        newest = (
            LinkedVersion.objects.filter(collection=version["collection"])
            .order_by("-index")
            .values_list("index", flat=True)
            .first()
        )
        derived = [f"v{version['index']}"] + (["latest"] if newest == version["index"] else [])
        return super().actual(queryset) + derived


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string"


@dataclass(frozen=True)
class MetadataKey:
    """One key (dotted for nested keys) of a JSON column, compared by JSON type and value."""

    column: str
    keys: tuple[str, ...]

    def _path(self) -> str:
        return "__".join((self.column, *self.keys))

    def _type(self) -> Coalesce:
        return Coalesce(JSONTypeOf(F(self.column), list(self.keys)), Value("missing"))

    def operand(self, name: str, op: str, value: Any) -> Any:
        allowed = (str, int, float, bool) + (
            (type(None),) if op in ("$eq", "$ne", "$in", "$nin") else ()
        )
        if not isinstance(value, allowed) or (isinstance(value, float) and value != value):
            raise FilterError(
                f"'{name}' {op} takes a string, number or boolean"
                + (" (or null)" if op in ("$eq", "$ne", "$in", "$nin") else "")
                + f", got {_describe(value)}."
            )
        return value

    def _typed(self, lookup: str, value: Any) -> Q:
        """The comparison, on values of the operand's JSON type only.

        Written as one CASE, which PostgreSQL's planner, knowing nothing of a key's values,
        takes to hold for half the rows. As `type = 'number' AND value >= 0.9` it took
        each part to hold for 1 row in 200 and the pair for a handful, so it read every
        version and sorted the matches (0.5 s at a million versions) instead of walking
        them in id order and stopping at the page's end (under a millisecond): a range on
        a metadata key usually holds for a good share of the versions.
        """
        compare = Q(**{f"{self._path()}__{lookup}": value})
        typed = When(Q(Exact(self._type(), _json_type(value))), then=compare)
        return Q(Case(typed, default=Value(False), output_field=BooleanField()))

    def lookup(self, lookup: str, value: Any) -> Q:
        if lookup == "in":
            q = NOTHING
            for item in value:
                q |= self.lookup("exact", item)
            return q
        if value is None:
            # As in MongoDB: null matches a null value and a missing key.
            return Q(In(self._type(), ["null", "missing"]))
        return self._typed(lookup, value)

    def regex(self, pattern: str) -> Q:
        return self._typed("regex", pattern)

    def exists(self, flag: bool) -> Q:
        present = ~Q(Exact(self._type(), "missing"))
        return present if flag else ~present

    def actual(self, queryset) -> Any:
        return queryset.values_list(self._path(), flat=True).first()
