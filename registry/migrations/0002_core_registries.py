"""The core registries Model and Dataset exist from the start, visible to everyone."""

from __future__ import annotations

from django.db import migrations

CORE = [
    ("Model", "Models ready to evaluate, stage and deploy.", ["model"]),
    ("Dataset", "Datasets used to train and evaluate models.", ["dataset"]),
]


def create_core(apps, schema_editor):
    Registry = apps.get_model("registry", "Registry")
    for name, description, types in CORE:
        if not Registry.objects.filter(name__iexact=name).exists():
            Registry.objects.create(
                name=name,
                description=description,
                visibility="organization",
                accepted_types=types,
                is_core=True,
            )


def remove_core(apps, schema_editor):
    Registry = apps.get_model("registry", "Registry")
    Registry.objects.filter(is_core=True, collections__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(create_core, remove_core)]
