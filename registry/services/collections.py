"""Collections: create, describe, tag, delete."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from registry import permissions
from registry.errors import Conflict, Invalid
from registry.models import Collection, CollectionTag, Registry
from registry.names import type_problem
from registry.selectors.collections import first_protected_alias
from registry.services.linking import check_type_accepted, get_or_create_collection
from registry.services.locks import lock_collection
from registry.services.tags import add_tags, remove_tag

COLLECTION_EXISTS = "Registry '{registry}' already has a collection named '{name}'."


@transaction.atomic
def create_collection(
    *,
    registry: Registry,
    name: str,
    type_: str,
    actor,
    description: str = "",
    tags: Iterable[str] = (),
) -> Collection:
    permissions.check_can_write(actor, registry, "Creating a collection")
    name = (name or "").strip()
    type_ = (type_ or "").strip()
    problem = type_problem(type_)
    if problem:
        raise Invalid(problem)
    check_type_accepted(registry, type_)
    collection, created = get_or_create_collection(
        registry=registry, name=name, type_=type_, actor=actor, description=description
    )
    if not created:
        raise Conflict(COLLECTION_EXISTS.format(registry=registry.name, name=collection.name))
    add_tags(CollectionTag, owner_field="collection", owner=collection, names=tags)
    return collection


@transaction.atomic
def update_collection_description(*, collection: Collection, description: str, actor) -> Collection:
    permissions.check_can_write(actor, collection.registry, "Editing a description")
    # Locked and read again: a collection deleted meanwhile is a clear 404, not a lost write.
    collection = lock_collection(collection.pk)
    collection.description = (description or "").strip()
    collection.save(update_fields=["description", "updated_at"])
    return collection


@transaction.atomic
def add_collection_tags(
    *, collection: Collection, names: Iterable[str], actor
) -> list[CollectionTag]:
    permissions.check_can_write(actor, collection.registry, "Editing tags")
    # Locked: two people adding the same tag at once get one tag, not a constraint error.
    collection = lock_collection(collection.pk)
    return add_tags(CollectionTag, owner_field="collection", owner=collection, names=names)


@transaction.atomic
def remove_collection_tag(*, collection: Collection, name: str, actor) -> None:
    permissions.check_can_write(actor, collection.registry, "Editing tags")
    collection = lock_collection(collection.pk)
    remove_tag(CollectionTag, owner_field="collection", owner=collection, name=name)


@transaction.atomic
def delete_collection(*, collection: Collection, actor) -> None:
    permissions.check_can_write(actor, collection.registry, "Deleting a collection")
    collection = lock_collection(collection.pk)
    permissions.check_can_delete_collection(actor, collection, first_protected_alias(collection))
    collection.delete()
