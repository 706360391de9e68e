"""Reads for the MLflow-compatible routes (registry.mlflow_api): versions, aliases and
files in MLflow's shapes, several collections at a time, a fixed number of queries."""

from __future__ import annotations

from django.db.models import Max, Prefetch, Q

from registry import body_cache
from registry.db import lower
from registry.models import Alias, ArtifactFile, Collection, LinkedVersion, VersionTag
from registry.permissions import get_registry_for_user, visible_registries
from registry.selectors.collections import get_collection
from registry.selectors.resolve import resolve_with_key
from registry.selectors.sources import get_source_version

__all__ = [
    "alias_holder",
    "aliases_by_collection",
    "body_cache",
    "files_of",
    "get_collection",
    "get_registry_for_user",
    "get_source_version",
    "latest_by_collection",
    "resolve_with_key",
    "version_by_pk",
    "version_rows",
    "version_rows_where",
    "visible_collections",
    "visible_registries",
]


def version_rows(collection_ids):
    """Linked versions of these collections with everything the MLflow shape shows.

    The same rows as `versions_of`, for several collections at once, in a fixed number
    of queries however many versions come back.
    """
    return version_rows_where(collection_id__in=list(collection_ids))


def version_rows_where(**conditions):
    return (
        LinkedVersion.objects.filter(**conditions)
        .select_related(
            "linked_by",
            "collection__registry",
            "source__artifact__project__team",
            "source__created_run",
        )
        .prefetch_related(
            Prefetch("aliases", queryset=Alias.objects.order_by("name")),
            Prefetch("tags", queryset=VersionTag.objects.order_by("name")),
        )
    )


def version_by_pk(pk: int) -> LinkedVersion:
    return version_rows_where(pk=pk).get()


def visible_collections(user):
    """Collections in the registries `user` may see, with their registry and tags."""
    return (
        Collection.objects.filter(registry__in=visible_registries(user))
        .select_related("registry")
        .prefetch_related("tags")
    )


def alias_holder(collection: Collection, name: str) -> LinkedVersion | None:
    """The version of `collection` holding alias `name` (case-insensitive), if any."""
    alias = (
        Alias.objects.select_related("version__collection__registry")
        .filter(collection=collection, name__lower=lower(name))
        .first()
    )
    return alias.version if alias is not None else None


def files_of(version: LinkedVersion):
    return ArtifactFile.objects.select_related("blob").filter(version_id=version.source_id)


def aliases_by_collection(collection_ids) -> dict[int, list[tuple[str, int]]]:
    """{collection id: [(alias, index), ...]} sorted by alias, in one query."""
    result: dict[int, list[tuple[str, int]]] = {}
    rows = (
        Alias.objects.filter(collection_id__in=list(collection_ids))
        .order_by("name")
        .values_list("collection_id", "name", "version__index")
    )
    for collection_id, name, index in rows:
        result.setdefault(collection_id, []).append((name, index))
    return result


def latest_by_collection(collection_ids) -> dict[int, LinkedVersion]:
    """{collection id: its highest-index version} for these collections."""
    ids = list(collection_ids)
    newest = (
        LinkedVersion.objects.filter(collection_id__in=ids)
        .values("collection_id")
        .annotate(top=Max("index"))
        .values_list("collection_id", "top")
    )
    wanted = Q(pk__in=[])
    for collection_id, top in newest:
        wanted |= Q(collection_id=collection_id, index=top)
    return {v.collection_id: v for v in version_rows(ids).filter(wanted)}
