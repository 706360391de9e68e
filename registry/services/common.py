from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.functions import Lower

from registry.errors import NotFound
from registry.models import Alias, Collection
from registry.selectors import protected_names

COLLECTION_GONE = "That collection no longer exists; it was deleted while you were changing it."


def lock_collection(collection_id: int) -> Collection:
    """Lock the collection row: every alias and link write in a collection is serialised.

    On PostgreSQL this is SELECT … FOR UPDATE; on SQLite the IMMEDIATE transaction mode
    already holds the database write lock from BEGIN.
    """
    collection = (
        Collection.objects.select_for_update().select_related("registry").filter(pk=collection_id)
    ).first()
    if collection is None:
        raise NotFound(COLLECTION_GONE)
    return collection


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


def first_protected_alias(aliases: QuerySet[Alias], registry) -> str | None:
    """The first (by name) of `aliases` that is protected in `registry`, or None.

    Matched in SQL, so a collection with thousands of aliases is not read into Python.
    """
    protected = protected_names(registry)
    if not protected:
        return None
    matching = aliases.annotate(lname=Lower("name")).filter(lname__in=protected)
    return matching.order_by("name").values_list("name", flat=True).first()
