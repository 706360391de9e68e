"""Adding, moving and removing aliases on linked versions (invariants 2-6, 9)."""

from __future__ import annotations

from django.db import transaction

from registry import permissions
from registry.errors import Invalid, NotFound
from registry.models import Alias, AliasEvent, Collection, LinkedVersion
from registry.names import alias_problem, is_reserved_alias
from registry.services import events
from registry.services.common import lock_collection, protected_names

RESERVED_ALIAS = (
    "'{name}' is a default alias: 'latest' and 'vN' are assigned automatically and cannot "
    "be added or removed by hand."
)
ALIAS_NOT_HELD = "v{index} of '{collection}' has no alias '{name}'."
VERSION_GONE = "That version is no longer linked to '{collection}'."


def validate_alias_name(name: str) -> str:
    name = (name or "").strip()
    problem = alias_problem(name)
    if problem:
        raise Invalid(problem)
    if is_reserved_alias(name):
        raise Invalid(RESERVED_ALIAS.format(name=name))
    return name


def _locked_version(version: LinkedVersion) -> tuple[Collection, LinkedVersion]:
    collection = lock_collection(version.collection_id)
    fresh = LinkedVersion.objects.filter(pk=version.pk).first()
    if fresh is None:
        raise NotFound(VERSION_GONE.format(collection=collection.name))
    fresh.collection = collection
    return collection, fresh


def apply_alias(
    *, collection: Collection, version: LinkedVersion, name: str, actor, protected: set[str]
) -> Alias:
    """Put alias `name` on `version`, moving it if another version holds it.

    The caller holds the collection lock and has validated the name. Re-adding an alias
    the version already holds changes nothing and emits nothing.
    """
    registry = collection.registry
    is_protected = name.lower() in protected
    existing = (
        Alias.objects.select_for_update()
        .select_related("version")
        .filter(collection=collection, name__iexact=name)
        .first()
    )
    if existing is not None and existing.version_id == version.pk:
        return existing
    verb = "move" if existing is not None else "add"
    permissions.check_alias_change(actor, registry, name, verb, is_protected)
    if existing is not None:
        previous = existing.version
        existing.version = version
        existing.save(update_fields=["version"])
        alias = existing
        AliasEvent.objects.create(
            collection=collection,
            alias=alias.name,
            action=AliasEvent.MOVE,
            from_index=previous.index,
            from_version=previous,
            to_index=version.index,
            to_version=version,
            actor=actor,
        )
        previous_index = previous.index
    else:
        alias = Alias.objects.create(
            collection=collection, version=version, name=name, created_by=actor
        )
        AliasEvent.objects.create(
            collection=collection,
            alias=name,
            action=AliasEvent.ADD,
            to_index=version.index,
            to_version=version,
            actor=actor,
        )
        previous_index = None
    events.emit(
        events.RegistryEvent(
            type=events.ADD_ARTIFACT_ALIAS,
            collection=collection,
            version=version,
            actor=actor,
            alias=alias.name,
            previous_index=previous_index,
        )
    )
    return alias


@transaction.atomic
def add_alias(*, version: LinkedVersion, name: str, actor) -> Alias:
    """Add `name` to `version`; moves it if another version of the collection holds it."""
    permissions.check_can_write(
        actor, version.collection.registry, f"Changing alias '{(name or '').strip()}'"
    )
    name = validate_alias_name(name)
    collection, version = _locked_version(version)
    return apply_alias(
        collection=collection,
        version=version,
        name=name,
        actor=actor,
        protected=protected_names(collection.registry),
    )


@transaction.atomic
def add_aliases(*, version: LinkedVersion, names: list[str], actor) -> list[Alias]:
    """Add several aliases to `version` at once: all of them, or on any refusal none.

    Each is an ordinary `add_alias` (moves, history, automations), inside one transaction;
    a name given twice (in any case) is added once.
    """
    added, seen = [], set()
    for name in names:
        key = (name or "").strip().lower()
        if key not in seen:
            seen.add(key)
            added.append(add_alias(version=version, name=name, actor=actor))
    return added


@transaction.atomic
def remove_alias(*, version: LinkedVersion, name: str, actor) -> None:
    name = (name or "").strip()
    permissions.check_can_write(actor, version.collection.registry, f"Changing alias '{name}'")
    if is_reserved_alias(name):
        raise Invalid(RESERVED_ALIAS.format(name=name))
    collection, version = _locked_version(version)
    alias = Alias.objects.filter(version=version, name__iexact=name).first()
    if alias is None:
        raise NotFound(
            ALIAS_NOT_HELD.format(index=version.index, collection=collection.name, name=name)
        )
    registry = collection.registry
    permissions.check_alias_change(
        actor, registry, alias.name, "remove", alias.name.lower() in protected_names(registry)
    )
    alias.delete()
    AliasEvent.objects.create(
        collection=collection,
        alias=alias.name,
        action=AliasEvent.REMOVE,
        from_index=version.index,
        from_version=version,
        actor=actor,
    )
    events.emit(
        events.RegistryEvent(
            type=events.REMOVE_ARTIFACT_ALIAS,
            collection=collection,
            version=version,
            actor=actor,
            alias=alias.name,
        )
    )
