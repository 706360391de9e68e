"""The data migration creates the core registries Model and Dataset."""

from __future__ import annotations

from registry.models import Registry


def test_the_core_registries_exist_from_the_first_migration(db):
    core = list(
        Registry.objects.filter(is_core=True)
        .order_by("name")
        .values_list("name", "visibility", "accepted_types")
    )
    assert core == [
        ("Dataset", "organization", ["dataset"]),
        ("Model", "organization", ["model"]),
    ]


def test_every_signed_in_user_sees_the_core_registries(stranger):
    from registry.permissions import visible_registries

    names = list(visible_registries(stranger).values_list("name", flat=True))
    assert names == ["Dataset", "Model"]


def test_the_link_history_is_backfilled_from_the_versions_linked_today(registry, member):
    import importlib

    from django.apps import apps

    from registry.models import LinkedVersion, LinkRecord
    from tests.factories import link_new

    for _ in range(3):
        link_new(member, registry)
    LinkRecord.objects.all().delete()  # as before the migration
    importlib.import_module("registry.migrations.0012_link_records").backfill(apps, None)
    expected = list(
        LinkedVersion.objects.order_by("index").values_list(
            "collection_id", "index", "source_id", "linked_at", "linked_by_id"
        )
    )
    got = list(
        LinkRecord.objects.order_by("index").values_list(
            "collection_id", "index", "source_id", "linked_at", "linked_by_id"
        )
    )
    assert got == expected and len(got) == 3
    assert not LinkRecord.objects.filter(unlinked_at__isnull=False).exists()
