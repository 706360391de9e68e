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
