"""Read-only queries the pages need beyond registry.selectors, each a fixed number of queries.

Page data is gathered here so views stay thin and the query count of a page does not grow
with the number of versions, aliases, tags or files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch

from registry import permissions, selectors
from registry.errors import NotFound
from registry.models import (
    Alias,
    AliasEvent,
    ArtifactFile,
    Collection,
    LinkedVersion,
    Registry,
    RunArtifact,
    VersionTag,
)
from registry.selectors import CUSTOM, DEFAULT, PROTECTED, Chip

HISTORY_LIMIT = 50
VERSION_NOT_FOUND = "Collection '{collection}' has no version v{index}."


@dataclass
class Access:
    """What the signed-in user may do in one registry (drives which controls are shown)."""

    role: str | None
    role_label: str
    can_write: bool
    can_download: bool
    is_admin: bool

    @classmethod
    def of(cls, user, registry: Registry) -> Access:
        role = permissions.role_of(user, registry)
        return cls(
            role=role,
            role_label=permissions.role_label(role),
            can_write=permissions.can_write(user, registry),
            can_download=permissions.can_download(user, registry),
            is_admin=permissions.is_admin(user, registry),
        )

    def can_change(self, chip: Chip) -> bool:
        if chip.kind == DEFAULT:
            return False
        return self.is_admin if chip.kind == PROTECTED else self.can_write


@dataclass
class Row:
    """A version in the collection table with its chips."""

    version: LinkedVersion
    chips: list[Chip]


def registry_cards(user):
    registries = list(selectors.visible_registries(user))
    permissions.prefetch_roles(user, registries)
    return [(r, permissions.role_label(permissions.role_of(user, r))) for r in registries]


def collection_rows(collection: Collection, page_number) -> tuple[object, list[Row]]:
    """One page of versions (newest first) with their chips: a fixed number of queries."""
    paginator = Paginator(selectors.versions_of(collection), settings.REGISTRY_PAGE_SIZE)
    page = paginator.get_page(page_number)
    latest = selectors.latest_index(collection) if paginator.count else None
    protected = selectors.protected_names(collection.registry)
    rows = [
        Row(v, selectors.chips_for(v, latest=latest, protected=protected)) for v in page.object_list
    ]
    return page, rows


def collection_with_tags(registry: Registry, name: str) -> Collection:
    collection = selectors.get_collection(registry, name)
    collection.tag_list = list(collection.tags.order_by("name"))
    return collection


@dataclass
class HistoryEntry:
    event: AliasEvent
    chip: Chip
    move_back_to: int | None = None  # index of the version the alias can go back to


@dataclass
class VersionPage:
    version: LinkedVersion
    chips: list[Chip]
    latest: int | None
    files: list[ArtifactFile]
    tags: list[VersionTag]
    history: list[HistoryEntry] = field(default_factory=list)
    used_by: list[RunArtifact] = field(default_factory=list)
    metadata_json: str = "{}"
    usage_ref: str = ""
    protected_alias: str | None = None


def get_version(collection: Collection, index: int) -> LinkedVersion:
    version = (
        LinkedVersion.objects.filter(collection=collection, index=index)
        .select_related(
            "linked_by",
            "source__artifact__project__team",
            "source__created_run__project__team",
            "source__created_by",
        )
        .prefetch_related(
            Prefetch("aliases", queryset=Alias.objects.order_by("name")),
            Prefetch("tags", queryset=VersionTag.objects.order_by("name")),
            Prefetch("source__files", queryset=ArtifactFile.objects.order_by("path")),
        )
        .first()
    )
    if version is None:
        raise NotFound(VERSION_NOT_FOUND.format(collection=collection.name, index=index))
    version.collection = collection
    return version


def alias_history(collection: Collection, protected: set[str]) -> list[HistoryEntry]:
    """Recent alias events; the newest event of a moved alias offers a move back."""
    events = list(
        AliasEvent.objects.filter(collection=collection)
        .select_related("actor")
        .order_by("-id")[:HISTORY_LIMIT]
    )
    entries, seen = [], set()
    for event in events:
        key = event.alias.lower()
        entry = HistoryEntry(event, Chip(event.alias, PROTECTED if key in protected else CUSTOM))
        if key not in seen and event.action == AliasEvent.MOVE and event.from_version_id:
            entry.move_back_to = event.from_index
        seen.add(key)
        entries.append(entry)
    return entries


def version_page(collection: Collection, index: int) -> VersionPage:
    version = get_version(collection, index)
    latest = selectors.latest_index(collection)
    protected = selectors.protected_names(collection.registry)
    chips = selectors.chips_for(version, latest=latest, protected=protected)
    source = version.source
    used_by = list(
        RunArtifact.objects.filter(version=source, kind=RunArtifact.USED)
        .select_related("run__project__team")
        .order_by("-created_at")[:20]
    )
    named = [c.name for c in chips if c.kind != DEFAULT]
    return VersionPage(
        version=version,
        chips=chips,
        latest=latest,
        files=list(source.files.all()),
        tags=list(version.tags.all()),
        history=alias_history(collection, protected),
        used_by=used_by,
        metadata_json=json.dumps(source.metadata, indent=2, sort_keys=True, ensure_ascii=False),
        usage_ref=(
            f"wandb-registry-{collection.registry.name}/{collection.name}:"
            f"{named[0] if named else version.version_string}"
        ),
        protected_alias=next((c.name for c in chips if c.kind == PROTECTED), None),
    )


def version_chips(version: LinkedVersion) -> list[Chip]:
    """Fresh chips for one version after an alias change (the aliases partial)."""
    collection = version.collection
    fresh = get_version(collection, version.index)
    return selectors.chips_for(
        fresh,
        latest=selectors.latest_index(collection),
        protected=selectors.protected_names(collection.registry),
    )
