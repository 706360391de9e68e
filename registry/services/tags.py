"""Tags on collections and on linked versions (one implementation for both)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from registry import permissions
from registry.db import fold, lower
from registry.errors import Invalid, NotFound
from registry.models import Collection, LinkedVersion, Registry, VersionTag
from registry.names import Ref, tag_problem
from registry.selectors.versions import VersionState
from registry.services import writes
from registry.services.locks import VERSION_GONE, at_version, lock_version

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


def add_tags(model, *, owner_field: str, owner, names: Iterable[str], existing=None):
    """Add tags that are not there yet (case-insensitive, as the database folds case);
    returns the added ones. `existing`: the owner's tag names when already read."""
    cleaned = clean_tags(names)
    if existing is None:
        existing = model.objects.filter(**{owner_field: owner}).values_list("name", flat=True)
    have = {fold(name) for name in existing}
    added = [model(**{owner_field: owner, "name": n}) for n in cleaned if fold(n) not in have]
    writes.insert_all(added)
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


EDITING_TAGS = "Editing tags"


@transaction.atomic
def add_version_tags_at(
    *,
    registry: Registry | str,
    collection: Collection | str,
    ref: str | int | Ref,
    names: Iterable[str],
    actor,
) -> VersionState:
    """Add to the version `ref` names the tags it does not have yet (case-insensitive).
    Like an alias write: the collection locked, the version (with its tags) read once
    under the lock; returns its new state."""
    _, state, _ = lock_version(actor, registry, collection, ref, doing=EDITING_TAGS)
    added = add_tags(
        VersionTag, owner_field="version", owner=state.version, names=names, existing=state.tags
    )
    return state.with_tags([*state.tags, *(tag.name for tag in added)])


@transaction.atomic
def remove_version_tag_at(
    *,
    registry: Registry | str,
    collection: Collection | str,
    ref: str | int | Ref,
    name: str,
    actor,
) -> VersionState:
    """Remove a tag (any case) from the version `ref` names; NotFound if it has none."""
    _, state, _ = lock_version(actor, registry, collection, ref, doing=EDITING_TAGS)
    remove_tag(VersionTag, owner_field="version", owner=state.version, name=name)
    gone = fold(name.strip())
    return state.with_tags(tag for tag in state.tags if fold(tag) != gone)


def add_version_tags(*, version: LinkedVersion, names: Iterable[str], actor) -> VersionState:
    """`add_version_tags_at` for a version already in hand."""
    return at_version(add_version_tags_at, version, names=names, actor=actor)


def remove_version_tag(*, version: LinkedVersion, name: str, actor) -> VersionState:
    """`remove_version_tag_at` for a version already in hand."""
    return at_version(remove_version_tag_at, version, name=name, actor=actor)


@transaction.atomic
def update_version_description(*, version: LinkedVersion, description: str, actor) -> LinkedVersion:
    permissions.check_can_write(actor, version.collection.registry, "Editing a description")
    version = _live_version(version)
    version.description = (description or "").strip()
    version.save(update_fields=["description", "updated_at"])
    return version
