"""Tags on collections and on linked versions (one implementation for both)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from registry import permissions
from registry.db import lower
from registry.errors import Invalid, NotFound
from registry.models import LinkedVersion, VersionTag
from registry.names import tag_problem
from registry.services.locks import VERSION_GONE

TAG_NOT_FOUND = "There is no tag '{name}' here."


def clean_tags(names: Iterable[str]) -> list[str]:
    result, seen = [], set()
    for raw in names or []:
        name = " ".join((raw or "").split())
        problem = tag_problem(name)
        if problem:
            raise Invalid(problem)
        if name.lower() not in seen:
            seen.add(name.lower())
            result.append(name)
    return result


def add_tags(model, *, owner_field: str, owner, names: Iterable[str]):
    """Add tags that are not there yet (case-insensitive); returns the added ones."""
    cleaned = clean_tags(names)
    have = {
        n.lower()
        for n in model.objects.filter(**{owner_field: owner}).values_list("name", flat=True)
    }
    added = [model(**{owner_field: owner, "name": n}) for n in cleaned if n.lower() not in have]
    model.objects.bulk_create(added)
    return added


def remove_tag(model, *, owner_field: str, owner, name: str) -> None:
    deleted, _ = model.objects.filter(
        **{owner_field: owner, "name__lower": lower(name.strip())}
    ).delete()
    if not deleted:
        raise NotFound(TAG_NOT_FOUND.format(name=name))


def _live_version(version: LinkedVersion) -> LinkedVersion:
    """The version, locked; NotFound if it was unlinked meanwhile."""
    fresh = (
        LinkedVersion.objects.select_for_update()
        .select_related("collection__registry")
        .filter(pk=version.pk)
        .first()
    )
    if fresh is None:
        raise NotFound(VERSION_GONE.format(collection=version.collection.name))
    return fresh


@transaction.atomic
def add_version_tags(*, version: LinkedVersion, names: Iterable[str], actor) -> list[VersionTag]:
    permissions.check_can_write(actor, version.collection.registry, "Editing tags")
    version = _live_version(version)
    return add_tags(VersionTag, owner_field="version", owner=version, names=names)


@transaction.atomic
def remove_version_tag(*, version: LinkedVersion, name: str, actor) -> None:
    permissions.check_can_write(actor, version.collection.registry, "Editing tags")
    version = _live_version(version)
    remove_tag(VersionTag, owner_field="version", owner=version, name=name)


@transaction.atomic
def update_version_description(*, version: LinkedVersion, description: str, actor) -> LinkedVersion:
    permissions.check_can_write(actor, version.collection.registry, "Editing a description")
    version = _live_version(version)
    version.description = (description or "").strip()
    version.save(update_fields=["description", "updated_at"])
    return version
