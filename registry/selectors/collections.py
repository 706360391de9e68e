"""Collections of a registry: lists, one by name, tags, the protected aliases they hold."""

from __future__ import annotations

from django.db.models import Count, Max, QuerySet
from django.db.models.functions import Lower

from registry.db import lower
from registry.errors import NotFound
from registry.models import Alias, Collection, LinkedVersion, ProtectedAlias, Registry

COLLECTION_NOT_FOUND = "Collection '{name}' does not exist in registry '{registry}'."


def collections_of(registry: Registry) -> QuerySet[Collection]:
    return (
        Collection.objects.filter(registry=registry)
        .annotate(
            version_count=Count("versions", distinct=True), latest_at=Max("versions__linked_at")
        )
        .prefetch_related("tags")
        .order_by("name")
    )


def get_collection(registry: Registry, name: str) -> Collection:
    collection = Collection.objects.filter(registry=registry, name__lower=lower(name)).first()
    if collection is None:
        raise NotFound(COLLECTION_NOT_FOUND.format(name=name, registry=registry.name))
    collection.registry = registry
    return collection


def collection_tags(collection: Collection) -> list[str]:
    return list(collection.tags.order_by("name").values_list("name", flat=True))


def first_protected_alias(collection: Collection, *, version: LinkedVersion | None = None):
    """The first (by name) protected alias held in `collection` (or by one `version`).

    Unlinking or deleting what holds one needs an admin. Matched in SQL, so a collection
    with thousands of aliases is not read into Python.
    """
    aliases = Alias.objects.filter(collection=collection)
    if version is not None:
        aliases = aliases.filter(version=version)
    protected = ProtectedAlias.objects.filter(registry_id=collection.registry_id).annotate(
        lname=Lower("name")
    )
    return (
        aliases.annotate(lname=Lower("name"))
        .filter(lname__in=protected.values("lname"))
        .order_by("name")
        .values_list("name", flat=True)
        .first()
    )
