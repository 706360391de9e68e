"""Search indexes (owned by the search work; empty until then)."""

from __future__ import annotations

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_core_registries")]
    operations: list = []
