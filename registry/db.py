"""Case-insensitive name lookups that the `Lower(name)` unique indexes serve.

`name__iexact` compiles to `LIKE` on SQLite and `UPPER(...) = UPPER(...)` on PostgreSQL,
neither of which uses the indexes on `Lower("name")`: a resolve by alias scanned every
alias. `name__lower=lower(value)` compiles to `LOWER(name) = LOWER(%s)` on both.
"""

from __future__ import annotations

from django.db.models import CharField, Value
from django.db.models.functions import Lower


def register_lookups() -> None:
    CharField.register_lookup(Lower)


def lower(value: str) -> Lower:
    """`value` lowercased by the database, as the indexes lowercase names."""
    return Lower(Value(value))
