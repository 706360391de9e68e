"""Row locks that serialise writes: every alias, tag and link write in a collection."""

from __future__ import annotations

from django.db.models import IntegerField, Value
from django.db.models.functions import Cast

from registry import permissions
from registry.db import lower
from registry.errors import NotFound
from registry.models import Alias, Collection, Registry
from registry.names import Ref
from registry.selectors import automations
from registry.selectors.collections import COLLECTION_NOT_FOUND
from registry.selectors.compiled import compiled
from registry.selectors.versions import VersionState, get_version_state_and_holder

COLLECTION_GONE = "That collection no longer exists; it was deleted while you were changing it."
VERSION_GONE = "That version is no longer linked to '{collection}'."


def lock_collection(collection_id: int) -> Collection:
    """Lock the collection row: every alias and link write in a collection is serialised.

    On PostgreSQL this is SELECT … FOR UPDATE; on SQLite the IMMEDIATE transaction mode
    already holds the database write lock from BEGIN.
    """
    collection = (
        Collection.objects.select_for_update(of=("self",))
        .select_related("registry")
        .filter(pk=collection_id)
    ).first()
    if collection is None:
        raise NotFound(COLLECTION_GONE)
    return collection


def _collection_named(registry: str, collection: str, user: str):
    """Every alias write and link through the API starts here, so the statement is
    compiled once (selectors.compiled); values arrive as markers. It reads the writer's
    grants in the registry too (`permissions.grants_column`) and whether any automation
    watches the collection (`automations.any_in_scope_column`)."""
    return (
        Collection.objects.select_for_update(of=("self",))
        .select_related("registry")
        .annotate(
            writer_grants=permissions.grants_column(
                Cast(Value(user), IntegerField()), "registry_id"
            ),
            automations_in_scope=automations.any_in_scope_column(),
        )
        .filter(registry__name__lower=lower(registry), name__lower=lower(collection))[:1]
    )


def lock_collection_named(
    user, registry: str, collection: str, *, missing_ok: bool = False
) -> Collection | None:
    """`lock_collection` by names (as URLs say them), with its registry and the user's
    grants in it, if `user` may see that registry: one statement. A miss says precisely
    what is missing, without telling a stranger that a restricted registry exists; with
    `missing_ok`, a miss is None (the caller then looks the registry up itself)."""
    query = compiled("lock-collection-named", _collection_named, "registry", "collection", "user")
    locked = query.first_instance(registry=registry, collection=collection, user=user.pk)
    if locked is None:
        if missing_ok:
            return None
        found = permissions.get_registry_for_user(user, registry)
        raise NotFound(COLLECTION_NOT_FOUND.format(name=collection, registry=found.name))
    permissions.remember_grants(user, locked.registry, locked.writer_grants)
    permissions.check_can_view(user, locked.registry)
    return locked


def lock_version(
    actor,
    registry: Registry | str,
    collection: Collection | str,
    ref: str | int | Ref,
    *,
    doing: str,
    holding: str | None = None,
) -> tuple[Collection, VersionState, Alias | None]:
    """Lock the collection, check the actor may change it (`doing` names the change in a
    refusal), then read under the lock the version `ref` names, with the holder of the
    alias `holding` if given (`selectors.versions.get_version_state_and_holder`).

    `registry` and `collection` are names (as URLs say them; the lock reads the registry
    too), or objects already in hand (then a version unlinked meanwhile is reported as
    such). Returns (collection, state, holder).
    """
    if isinstance(collection, str):
        locked = lock_collection_named(actor, str(registry), collection)
        permissions.check_can_write(actor, locked.registry, doing)
        return locked, *get_version_state_and_holder(locked, ref, holding)
    permissions.check_can_write(actor, collection.registry, doing)
    locked = lock_collection(collection.pk)
    try:
        return locked, *get_version_state_and_holder(locked, ref, holding)
    except NotFound:
        raise NotFound(VERSION_GONE.format(collection=locked.name)) from None


def at_version(write, version, **values):
    """Call `write` — a write taking `registry`, `collection` and `ref`, as names or
    objects, like `lock_version` — for a linked version already in hand."""
    collection = version.collection
    return write(registry=collection.registry, collection=collection, ref=version.index, **values)


def lock_collections_of(registry) -> None:
    """Lock every collection of the registry, in primary-key order (no deadlocks).

    Changing what is protected waits for alias writes in flight, and alias writes that
    start later see the change: they read the protected names after their own lock.
    """
    list(
        Collection.objects.select_for_update()
        .filter(registry=registry)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
