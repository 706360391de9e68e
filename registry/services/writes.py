"""The writes every alias move and link makes, their SQL built once.

Django builds an INSERT or UPDATE afresh for each call (query, compiler, SQL text): for
one history row that cost 0.17 ms of CPU against 0.05 ms to send the same statement, for
moving an alias 0.13 against 0.04 (PostgreSQL, in process, `bench/api_cpu.py`'s
database) — an eighth of an API move's CPU. Here the statement is still Django's, built
by its compiler the first time for a model and its fields (selectors.compiled); each
call only prepares its values the way Django does (`pre_save`, `get_db_prep_save`).

For plain fields only: no expressions (`F()`), no fields with their own placeholders, no
signals (as with `bulk_create` and `update`).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections
from django.db.models import Model
from django.db.models.sql import InsertQuery
from django.db.models.sql.subqueries import UpdateQuery

from registry.selectors.compiled import built_once, int_marker, marker

_INTEGER_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
}


def _plain(field, value):
    if hasattr(value, "resolve_expression"):
        raise TypeError(f"{field.name}: an expression; these statements take plain values")
    return value


class _Insert:
    """INSERT of one row of `model` (every concrete field but the primary key)."""

    def __init__(self, model: type[Model], using: str, read_pk: bool) -> None:
        opts = model._meta
        fields = [f for f in opts.concrete_fields if f is not opts.pk]
        if opts.parents or any(f.generated or f.has_db_default() for f in fields):
            raise TypeError(f"{model.__name__}: inherited, generated or database defaults")
        features = connections[using].features
        query = InsertQuery(model)
        query.insert_values(fields, [model()])
        compiler = query.get_compiler(using=using)
        self.returning = read_pk and features.can_return_columns_from_insert
        if self.returning:
            compiler.returning_fields = [opts.pk]
        [(self.sql, params)] = compiler.as_sql()
        if len(params) != len(fields):
            raise TypeError(f"{model.__name__}: a field has a placeholder of its own")
        self.fields, self.read_pk, self.using = fields, read_pk, using

    def run(self, obj: Model) -> None:
        connection = connections[self.using]
        params = [
            f.get_db_prep_save(_plain(f, f.pre_save(obj, True)), connection) for f in self.fields
        ]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            if self.returning:
                obj.pk = cursor.fetchone()[0]
            elif self.read_pk:
                opts = obj._meta
                obj.pk = connection.ops.last_insert_id(cursor, opts.db_table, opts.pk.column)
        obj._state.adding = False
        obj._state.db = self.using


def insert(obj: Model, *, read_pk: bool = True, using: str = "default") -> None:
    """Save the new `obj` as `Model.save()` would insert it; its primary key is read back
    unless `read_pk` is False."""
    model = type(obj)
    key = ("insert", model._meta.label, read_pk)
    built_once(key, using, lambda: _Insert(model, using, read_pk)).run(obj)


def insert_all(objs: Sequence[Model], *, using: str = "default") -> None:
    """Save new rows of one model: one through `insert`'s statement, several through
    `bulk_create`. Primary keys are not read back."""
    if len(objs) == 1:
        insert(objs[0], read_pk=False, using=using)
    elif objs:
        type(objs[0]).objects.using(using).bulk_create(objs)


class _Update:
    """UPDATE of some fields of one row, by primary key."""

    def __init__(self, model: type[Model], names: tuple[str, ...], using: str) -> None:
        self.fields = [model._meta.get_field(name) for name in names]
        stand_ins = {}
        for slot, field in enumerate(self.fields, start=1):
            integer = field.get_internal_type() in _INTEGER_TYPES or field.is_relation
            stand_ins[field.name] = int_marker(slot) if integer else marker(field.name)
        query = UpdateQuery(model)
        query.add_update_values(stand_ins)
        query.add_filter("pk", int_marker(0))
        self.sql, params = query.get_compiler(using=using).as_sql()
        order = {value: i for i, value in enumerate([int_marker(0), *stand_ins.values()])}
        if sorted(order.get(p, -1) for p in params) != list(range(len(order))):
            raise TypeError(f"{model.__name__}: {names} do not reach the SQL as plain values")
        # Which value goes where: 0 is the primary key, i the i-th field.
        self.order = [order[p] for p in params]
        self.using = using

    def run(self, pk, values: dict) -> int:
        connection = connections[self.using]
        prepared = [pk]
        for field in self.fields:
            value = values[field.name]
            if isinstance(value, Model):
                value = value.pk  # a related object, as its key
            prepared.append(field.get_db_prep_save(_plain(field, value), connection))
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [prepared[i] for i in self.order])
            return cursor.rowcount


def update(model: type[Model], pk, *, using: str = "default", **values) -> int:
    """`model.objects.filter(pk=pk).update(**values)` for plain values; the number of rows
    changed."""
    names = tuple(values)
    key = ("update", model._meta.label, names)
    return built_once(key, using, lambda: _Update(model, names, using)).run(pk, values)
