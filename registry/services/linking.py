"""Linking source versions into collections, and unlinking them (invariants 1, 7-9)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from registry import permissions
from registry.db import lower
from registry.errors import Invalid, NotFound
from registry.models import (
    Alias,
    AliasEvent,
    ArtifactVersion,
    Collection,
    EventType,
    LinkedVersion,
    LinkRecord,
    Registry,
)
from registry.names import name_problem
from registry.selectors.collections import first_protected_alias
from registry.selectors.versions import linked_from, protected_names
from registry.services import automations, writes
from registry.services.aliases import apply_aliases, validate_alias_names
from registry.services.events import RegistryEvent
from registry.services.locks import VERSION_GONE, lock_collection, lock_collection_named

TYPE_NOT_ACCEPTED = (
    "Registry '{registry}' accepts {accepted}; '{type}' artifacts cannot be linked to it. "
    "A registry admin can add '{type}' to the accepted types in the registry settings."
)
TYPE_MISMATCH = (
    "Collection '{collection}' holds '{expected}' artifacts; a '{type}' artifact cannot be "
    "linked to it."
)


def _describe_types(types: list[str]) -> str:
    if not types:
        return "no artifact types"
    return "only " + ", ".join(f"'{t}'" for t in types) if len(types) < 4 else ", ".join(types)


def check_type_accepted(registry: Registry, type_: str) -> None:
    if not registry.accepts(type_):
        raise Invalid(
            TYPE_NOT_ACCEPTED.format(
                registry=registry.name,
                accepted=_describe_types(registry.accepted_types),
                type=type_,
            )
        )


def get_or_create_collection(
    *, registry: Registry, name: str, type_: str, actor, description: str = ""
) -> tuple[Collection, bool]:
    """The collection `name` (case-insensitive), created with `type_` if missing."""
    permissions.check_can_write(actor, registry, "Creating a collection")
    problem = name_problem(name, "collection")
    if problem:
        raise Invalid(problem)
    existing = Collection.objects.filter(registry=registry, name__lower=lower(name)).first()
    if existing is not None:
        return existing, False
    check_type_accepted(registry, type_)
    try:
        with transaction.atomic():
            collection = Collection.objects.create(
                registry=registry,
                name=name,
                type=type_,
                description=description,
                created_by=actor,
            )
        return collection, True
    except IntegrityError:
        # Created concurrently by someone else: use theirs.
        return Collection.objects.get(registry=registry, name__lower=lower(name)), False


def _split_aliases(aliases: Iterable[str]) -> list[str]:
    """Validate link aliases; `latest` and `vN` are ignored, as W&B ignores them."""
    return validate_alias_names(aliases or [])


LINKING = "Linking a version"
_NOBODY = object()  # marks an alias no version holds yet


def _check_link_aliases(
    *, actor, collection: Collection, linked: LinkedVersion | None, names: list[str]
) -> frozenset[str]:
    """Refuse, before anything is written, every alias the link could not apply.

    Protected aliases need an admin unless the version holds them already (re-adding is
    a no-op). Returns the registry's protected names (none read for a link without
    aliases).
    """
    if not names:
        return frozenset()
    registry = collection.registry
    protected = protected_names(registry)
    wanted = {n.lower() for n in names if n.lower() in protected}
    if wanted and not permissions.is_admin(actor, registry):
        holders = {
            name.lower(): version_id
            for name, version_id in Alias.objects.filter(collection=collection).values_list(
                "name", "version_id"
            )
            if name.lower() in wanted
        }
        for name in names:
            holder = holders.get(name.lower(), _NOBODY)
            if name.lower() in wanted and (linked is None or holder != linked.pk):
                verb = "add" if holder is _NOBODY else "move"
                permissions.check_protected_alias(actor, registry, name, verb)
    return protected


def _lock_or_create(
    *, registry: Registry | str, collection_name: str, type_: str, actor
) -> Collection:
    """The collection named `collection_name`, locked, with its registry; created first
    (with `type_`) if missing. A link to an existing collection is one statement: the
    lock reads the registry and the writer's role with it."""
    name = registry if isinstance(registry, str) else registry.name
    collection = lock_collection_named(actor, name, collection_name, missing_ok=True)
    if collection is not None:
        return collection
    if isinstance(registry, str):
        registry = permissions.get_registry_for_user(actor, registry)
    permissions.check_can_write(actor, registry, LINKING)
    created, _ = get_or_create_collection(
        registry=registry, name=collection_name, type_=type_, actor=actor
    )
    return lock_collection(created.pk)


@transaction.atomic
def link_version(
    *,
    registry: Registry | str,
    collection_name: str,
    source: ArtifactVersion,
    aliases: Iterable[str] = (),
    actor,
    description: str = "",
) -> tuple[LinkedVersion, bool]:
    """Link `source` into `registry/collection_name` with `aliases`, all or nothing.

    `registry`: the object, or its name as a URL says it. Creates the collection if
    missing. Linking a source already linked there returns the existing linked version
    and applies the new aliases (invariant 7). Every refusal is raised before the first
    write and the first event (invariant 9). Returns (linked_version, created).
    """
    type_ = source.artifact.type
    collection = _lock_or_create(
        registry=registry, collection_name=collection_name, type_=type_, actor=actor
    )
    permissions.check_can_write(actor, collection.registry, LINKING)
    # Only members of the entity that logged the source may publish it.
    permissions.check_team_member(source.artifact.project.team, actor)
    names = _split_aliases(aliases)
    if collection.type.lower() != type_.lower():
        raise Invalid(
            TYPE_MISMATCH.format(collection=collection.name, expected=collection.type, type=type_)
        )
    linked = linked_from(collection, source)
    index = collection.next_index if linked is None else linked.index
    protected = _check_link_aliases(actor=actor, collection=collection, linked=linked, names=names)
    created = linked is None
    if created:
        # The collection is locked, so its next index as read is the one to bump.
        writes.update(Collection, collection.pk, next_index=index + 1)
        collection.next_index = index + 1
        linked = LinkedVersion(
            collection=collection,
            index=index,
            source=source,
            linked_by=actor,
            description=description or source.description,
        )
        writes.insert(linked)
        record = LinkRecord(
            collection=collection,
            index=index,
            source=source,
            linked_at=linked.linked_at,
            linked_by=actor,
        )
        writes.insert(record, read_pk=False)
        automations.on_events(
            [
                RegistryEvent(
                    EventType.LINK_ARTIFACT, collection=collection, version=linked, actor=actor
                )
            ]
        )
    linked.collection = collection
    apply_aliases(
        collection=collection, version=linked, names=names, actor=actor, protected=protected
    )
    return linked, created


@transaction.atomic
def unlink_version(*, version: LinkedVersion, actor) -> None:
    """Remove `version` from its collection. Its index is never reused (invariant 1)."""
    permissions.check_can_write(actor, version.collection.registry, "Unlinking a version")
    collection = lock_collection(version.collection_id)
    fresh = LinkedVersion.objects.filter(pk=version.pk).first()
    if fresh is None:
        raise NotFound(VERSION_GONE.format(collection=collection.name))
    version = fresh
    version.collection = collection
    held = first_protected_alias(collection, version=version)
    permissions.check_can_unlink(actor, version, held)
    AliasEvent.objects.bulk_create(
        AliasEvent.build(collection, alias.name, AliasEvent.Action.REMOVE, actor, source=version)
        for alias in Alias.objects.filter(version=version)
    )
    automations.on_events(
        [
            RegistryEvent(
                EventType.UNLINK_ARTIFACT, collection=collection, version=version, actor=actor
            )
        ]
    )
    LinkRecord.objects.filter(collection=collection, index=version.index).update(
        unlinked_at=timezone.now(), unlinked_by=actor
    )
    version.delete()
