"""The JSON type of a value inside a JSON column, named the same on SQLite and PostgreSQL.

Comparisons on metadata must compare numbers with numbers and text with text. Both
databases order values of different JSON types (PostgreSQL by type rank, SQLite with text
above every number), so each comparison is guarded by the type of the stored value.
"""

from __future__ import annotations

from django.db.models import CharField, Func

# SQLite's json_type() names, mapped onto PostgreSQL's jsonb_typeof() names.
_SQLITE_TYPES = (
    "CASE json_type({expr}, %s) WHEN 'integer' THEN 'number' WHEN 'real' THEN 'number' "
    "WHEN 'text' THEN 'string' WHEN 'true' THEN 'boolean' WHEN 'false' THEN 'boolean' "
    "ELSE json_type({expr}, %s) END"
)


class JSONTypeOf(Func):
    """'number', 'string', 'boolean', 'null', 'object', 'array', or NULL when missing."""

    output_field = CharField()

    def __init__(self, column, keys: list[str]):
        super().__init__(column)
        self.keys = list(keys)

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        path = connection.ops.compile_json_path(self.keys)
        return _SQLITE_TYPES.format(expr=sql), (*params, path, *params, path)

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"jsonb_typeof(({sql}) #> %s)", (*params, self.keys)

    def as_sql(self, compiler, connection, **extra):
        raise NotImplementedError(
            f"metadata filters support SQLite and PostgreSQL, not {connection.vendor}"
        )
