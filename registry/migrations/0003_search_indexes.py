"""Search indexes on PostgreSQL: pg_trgm GIN indexes for substring matches and
`COLLATE "C"` b-trees for exact and prefix matches (see registry/selectors/search.py).

SQLite keeps simple matching: the operations do nothing there.
"""

from __future__ import annotations

from django.db import migrations

# (table, column): a trigram index for `lower(column) LIKE '%x%'`. Registries are few and
# matched in Python among the user's visible ones, so they need none.
TRIGRAM = [
    ("registry_collection", "name"),
    ("registry_collection", "description"),
    ("registry_collectiontag", "name"),
    ("registry_versiontag", "name"),
    ("registry_alias", "name"),
]
# Tables whose `lower(name) COLLATE "C"` b-tree serves `= x` and `>= x AND < x'` ranges
# (prefix matches) in name order, so a search reads only the rows it shows.
NAME_BTREE = [
    "registry_collection",
    "registry_collectiontag",
    "registry_versiontag",
    "registry_alias",
]


def _statements():
    forward = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"]
    backward = []
    for table, column in TRIGRAM:
        name = f"{table}_{column}_trgm"
        forward.append(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin (lower("{column}") gin_trgm_ops)'
        )
        backward.append(f'DROP INDEX IF EXISTS "{name}"')
    for table in NAME_BTREE:
        name = f"{table}_lname_c"
        forward.append(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ((lower("name") COLLATE "C"), "id")'
        )
        backward.append(f'DROP INDEX IF EXISTS "{name}"')
    return forward, backward


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in _statements()[0]:
        schema_editor.execute(sql)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in _statements()[1]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_core_registries")]
    operations = [migrations.RunPython(create_indexes, drop_indexes)]
