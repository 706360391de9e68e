"""SQLite's LOWER() now folds every script (registry/db.py): rebuild the indexes on
LOWER(name) so they agree with it. Nothing to do on PostgreSQL."""

from django.db import migrations


def reindex(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("REINDEX")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0009_alias_filters_are_searched"),
    ]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop)]
