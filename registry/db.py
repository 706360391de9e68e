"""Case-insensitive name lookups that the `Lower(name)` unique indexes serve.

`name__iexact` compiles to `LIKE` on SQLite and `UPPER(...) = UPPER(...)` on PostgreSQL,
neither of which uses the indexes on `Lower("name")`: a resolve by alias scanned every
alias. `name__lower=lower(value)` compiles to `LOWER(name) = LOWER(%s)` on both.
"""

from __future__ import annotations

from django.db.backends.signals import connection_created
from django.db.models import CharField, Value
from django.db.models.functions import Lower


def register_lookups() -> None:
    CharField.register_lookup(Lower)
    connection_created.connect(unicode_lower_on_sqlite, dispatch_uid="registry-unicode-lower")


def fold(text: str) -> str:
    """`text` lowercased one character at a time (Unicode's simple case mapping), as
    PostgreSQL's LOWER() does and SQLite's does here; str.lower() differs for a few
    letters ('İ' becomes two characters). Compare Python-side names with names the
    database lowered only through this."""
    if text.isascii():  # the usual name: the same answer, without a loop per letter
        return text.lower()
    return "".join(c.lower()[0] for c in text)


def _lower(value):
    return fold(value) if isinstance(value, str) else value


def unicode_lower_on_sqlite(sender, connection, **kwargs) -> None:
    """SQLite's built-in LOWER() folds ASCII letters only, so the case-insensitive unique
    indexes let 'Äpfel' and 'äpfel' both in, where PostgreSQL keeps one. Aliases may hold
    letters of any script: SQLite gets `fold` (deterministic, so indexes on LOWER(name)
    may use it)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("LOWER", 1, _lower, deterministic=True)


def lower(value: str) -> Lower:
    """`value` lowercased by the database, as the indexes lowercase names."""
    return Lower(Value(value))
