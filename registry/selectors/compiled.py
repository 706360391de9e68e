"""ORM queries compiled once per process and database, then run with new values.

Django compiles a queryset to SQL on every evaluation. For the read pipelines poll all
day — resolving `collection:production` — the statement is the same each time and only
its values change, and compiling it costs several times what running it does (see the
figures in `selectors.resolve`). A `Compiled` query is still written with the ORM, in one
place; it is compiled the first time with marker values standing in for the real ones,
and later runs swap the markers for values, execute the same SQL and read the row by
column name through Django's own converters.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

_cache: dict[tuple, object] = {}
_lock = threading.Lock()


def marker(name: str) -> str:
    return f"\x00{name}\x00"


def int_marker(slot: int) -> int:
    """A stand-in for an integer value (an id): negative, so never a real one."""
    return -(10**15) - slot


class Compiled:
    """A queryset's SQL with slots for the values named at build time.

    A `.values()` queryset answers dicts (`first`); a model queryset, with its
    `select_related` and annotations, answers model instances (`first_instance`).
    """

    def __init__(
        self,
        queryset: QuerySet,
        names: tuple[str, ...],
        using: str,
        markers: dict[str | int, str] | None = None,
    ) -> None:
        query = queryset.query
        self.using = using
        self.compiler = query.get_compiler(using=using)
        self.sql, params = self.compiler.as_sql()
        if markers is None:
            markers = {marker(name): name for name in names}
        self.params = list(params)
        # (position, name, pattern): a pattern is a LIKE parameter Django built around a
        # string marker (`%marker%` for `__contains`); the value goes in escaped for LIKE.
        self.slots: list[tuple[int, str, str | None]] = []
        for i, p in enumerate(params):
            if isinstance(p, str | int) and not isinstance(p, bool) and p in markers:
                self.slots.append((i, markers[p], None))
            elif isinstance(p, str) and "\x00" in p:
                inside = [m for m in markers if isinstance(m, str) and m in p]
                if len(inside) != 1:
                    raise ValueError(f"a parameter holds {len(inside)} markers: {p!r}")
                self.slots.append((i, markers[inside[0]], p.replace(inside[0], "\x00")))
        if not {name for _, name, _ in self.slots} >= set(names):
            raise ValueError("every value must reach the SQL as a parameter")
        selected = [column for column, _, _ in self.compiler.select[: self.compiler.col_count]]
        self.converters = self.compiler.get_converters(selected)
        # As Django's ValuesIterable names a row's columns.
        if query.selected:
            self.columns = list(query.selected)
        else:
            self.columns = [*query.extra_select, *query.values_select, *query.annotation_select]
        self.makes_models = queryset._iterable_class is ModelIterable
        if self.makes_models:
            self._prepare_instances(queryset)

    def _prepare_instances(self, queryset: QuerySet) -> None:
        """What Django's ModelIterable works out per evaluation, worked out once: which
        columns make the model, which its `select_related` objects (Django's own
        populators), which its annotations."""
        compiler = self.compiler
        klass_info = compiler.klass_info
        fields = klass_info["select_fields"]
        self.model_columns = slice(fields[0], fields[-1] + 1)
        self.model = klass_info["model"]
        self.init_list = [
            column.target.attname for column, _, _ in compiler.select[self.model_columns]
        ]
        self.fetch_mode = queryset._fetch_mode
        self.populators = get_related_populators(
            klass_info, compiler.select, self.using, self.fetch_mode
        )
        self.annotation_columns = dict(compiler.annotation_col_map)

    def _fetch(self, values: dict, *, one: bool) -> list:
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, self._params(values))
            rows = [cursor.fetchone()] if one else cursor.fetchall()
        rows = [row for row in rows if row is not None]
        if rows and self.converters:
            rows = list(self.compiler.apply_converters(rows, self.converters))
        return rows

    def _fetch_one(self, values: dict):
        rows = self._fetch(values, one=True)
        return rows[0] if rows else None

    def _instance(self, row) -> Model:
        instance = self.model.from_db(
            self.using, self.init_list, row[self.model_columns], fetch_mode=self.fetch_mode
        )
        for populator in self.populators:
            populator.populate(row, instance)
        for name, column in self.annotation_columns.items():
            setattr(instance, name, row[column])
        return instance

    def first(self, **values) -> dict | None:
        """The first row for these values, by column name; None when there is none."""
        row = self._fetch_one(values)
        return None if row is None else dict(zip(self.columns, row, strict=True))

    def first_instance(self, **values) -> Model | None:
        """The first row for these values as the queryset's model instance, its
        `select_related` objects and annotations set as Django would set them."""
        if not self.makes_models:
            raise TypeError("first_instance() needs a model queryset, not .values()")
        row = self._fetch_one(values)
        return None if row is None else self._instance(row)

    def instances(self, **values) -> list[Model]:
        """Every row for these values as model instances (see `first_instance`)."""
        if not self.makes_models:
            raise TypeError("instances() needs a model queryset, not .values()")
        return [self._instance(row) for row in self._fetch(values, one=False)]

    def _params(self, values: dict) -> list:
        params = list(self.params)
        like = connections[self.using].ops.prep_for_like_query
        for index, name, pattern in self.slots:
            value = values[name]
            params[index] = value if pattern is None else pattern.replace("\x00", like(value))
        return params

    def rows(self, **values) -> list[tuple]:
        """Every row for these values, as tuples in the queryset's column order (for
        queries whose columns need no converter: numbers and text)."""
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, self._params(values))
            return cursor.fetchall()


def built_once(key, using: str, make: Callable[[], object]):
    """`make()`'s result, made once per key, process and database (vendor)."""
    cache_key = (key, using, connections[using].vendor)
    found = _cache.get(cache_key)
    if found is None:
        with _lock:
            found = _cache.get(cache_key)
            if found is None:
                found = _cache[cache_key] = make()
    return found


def compiled(key: str, build: Callable[..., QuerySet], *names: str, using="default"):
    """The query `build(**markers)` makes, compiled once per process and database.

    `build` gets one marker string per name in `names` and must pass each, unchanged, as
    a value the query compares with (never into Python logic).
    """

    def make():
        return Compiled(build(**{name: marker(name) for name in names}), names, using)

    return built_once(key, using, make)


def compiled_query(key: tuple, build: Callable[[], tuple], using="default") -> tuple:
    """`compiled` for a query whose markers `build` chooses (integers for ids, strings
    that may end up inside LIKE patterns): `build()` returns (queryset or None, extra,
    {marker: name}); this returns (Compiled or None, extra), built once per key."""

    def make():
        queryset, extra, markers = build()
        query = None if queryset is None else Compiled(queryset, (), using, markers=markers)
        return query, extra

    return built_once(key, using, make)
