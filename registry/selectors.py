"""Reads that encode visibility and derived aliases (`latest`, `vN`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, QuerySet

from registry import permissions
from registry.errors import NotFound
from registry.models import (
    Alias,
    Collection,
    LinkedVersion,
    ProtectedAlias,
    Registry,
    VersionTag,
)

CUSTOM, PROTECTED, DEFAULT = "custom", "protected", "default"
_VN = re.compile(r"^v(\d+)$", re.IGNORECASE)
COLLECTION_NOT_FOUND = "Collection '{name}' does not exist in registry '{registry}'."
VERSION_NOT_FOUND = (
    "'{ref}' does not name a version of '{collection}' (try an alias, vN or latest)."
)


@dataclass(frozen=True)
class Chip:
    name: str
    kind: str  # custom | protected | default


def visible_registries(user) -> QuerySet[Registry]:
    return (
        permissions.visible_registries(user)
        .annotate(collection_count=Count("collections", distinct=True))
        .order_by("name")
    )


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
    collection = (
        Collection.objects.select_related("registry")
        .filter(registry=registry, name__iexact=name)
        .first()
    )
    if collection is None:
        raise NotFound(COLLECTION_NOT_FOUND.format(name=name, registry=registry.name))
    return collection


def latest_index(collection: Collection) -> int | None:
    return LinkedVersion.objects.filter(collection=collection).aggregate(m=Max("index"))["m"]


def protected_names(registry: Registry) -> set[str]:
    return {
        n.lower()
        for n in ProtectedAlias.objects.filter(registry=registry).values_list("name", flat=True)
    }


def versions_of(collection: Collection) -> QuerySet[LinkedVersion]:
    """Versions newest first with aliases, tags, source and linker in a fixed number of queries."""
    return (
        LinkedVersion.objects.filter(collection=collection)
        .select_related("linked_by", "source__artifact__project__team")
        .prefetch_related(
            Prefetch("aliases", queryset=Alias.objects.order_by("name")),
            Prefetch("tags", queryset=VersionTag.objects.order_by("name")),
        )
        .order_by("-index")
    )


def chips_for(version: LinkedVersion, *, latest: int | None, protected: set[str]) -> list[Chip]:
    """The version's alias chips: custom/protected aliases, then `latest`, then `vN`."""
    chips = [
        Chip(a.name, PROTECTED if a.name.lower() in protected else CUSTOM)
        for a in version.aliases.all()
    ]
    if latest is not None and version.index == latest:
        chips.append(Chip("latest", DEFAULT))
    chips.append(Chip(f"v{version.index}", DEFAULT))
    return chips


def resolve_version(collection: Collection, ref: str) -> LinkedVersion:
    """A version by `latest`, `vN` or an alias (case-insensitive)."""
    ref = (ref or "").strip()
    qs = LinkedVersion.objects.filter(collection=collection).select_related(
        "collection__registry", "source__artifact__project__team", "linked_by"
    )
    version = None
    if ref.lower() == "latest":
        version = qs.order_by("-index").first()
    elif match := _VN.match(ref):
        version = qs.filter(index=int(match.group(1))).first()
    elif ref:
        version = qs.filter(aliases__name__iexact=ref).first()
    if version is None:
        raise NotFound(VERSION_NOT_FOUND.format(ref=ref, collection=collection.name))
    return version


def alias_suggestions(registry: Registry) -> list[Chip]:
    """Names offered by the Add alias input: protected aliases, then aliases in use."""
    protected = list(
        ProtectedAlias.objects.filter(registry=registry).values_list("name", flat=True)
    )
    lowered = {p.lower() for p in protected}
    used = (
        Alias.objects.filter(collection__registry=registry)
        .values_list("name", flat=True)
        .distinct()
        .order_by("name")[:200]
    )
    chips = [Chip(p, PROTECTED) for p in protected]
    seen = set(lowered)
    for name in used:
        if name.lower() not in seen:
            seen.add(name.lower())
            chips.append(Chip(name, CUSTOM))
    return chips
