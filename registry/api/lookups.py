"""Reads the API needs beyond registry.selectors: sources, and resolving with an ETag.

The resolve path is the one pipelines poll (`collection:production`), so its fingerprint
comes from one query: every fact the response shows either lives on the version row or
changes one of the counters annotated here (alias history, tags, protected aliases,
the collection's highest index).
"""

from __future__ import annotations

import hashlib
import re

from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from registry import selectors
from registry.errors import NotFound
from registry.models import (
    AliasEvent,
    ArtifactVersion,
    LinkedVersion,
    ProtectedAlias,
    Registry,
    TeamMembership,
    VersionTag,
)

_VN = re.compile(r"^v(\d{1,9})$", re.IGNORECASE)
SOURCE_NOT_FOUND = (
    "Artifact version '{entity}/{project}/{artifact}:{version}' does not exist or you are "
    "not a member of entity '{entity}'."
)


def get_source_version(*, actor, entity: str, project: str, artifact: str, ref: str):
    """A committed source version the actor may link (a member of its entity)."""
    qs = ArtifactVersion.objects.select_related("artifact__project__team").filter(
        artifact__project__team__name__iexact=entity,
        artifact__project__name__iexact=project,
        artifact__name=artifact,
    )
    ref = (ref or "").strip()
    version = None
    if ref.lower() == "latest":
        version = qs.order_by("-index").first()
    elif match := _VN.match(ref):
        version = qs.filter(index=int(match.group(1))).first()
    if version is not None and not actor.is_superuser:
        team = version.artifact.project.team
        if not TeamMembership.objects.filter(team=team, user=actor).exists():
            version = None
    if version is None:
        raise NotFound(
            SOURCE_NOT_FOUND.format(entity=entity, project=project, artifact=artifact, version=ref)
        )
    return version


def _sum_and_count(model, **filters):
    base = model.objects.filter(**filters).order_by().values(*filters.keys())
    total = Subquery(base.annotate(s=Sum("id")).values("s")[:1], output_field=IntegerField())
    count = Subquery(base.annotate(c=Count("id")).values("c")[:1], output_field=IntegerField())
    return Coalesce(total, Value(0)), Coalesce(count, Value(0))


def resolve_for_etag(registry: Registry, collection_name: str, ref: str) -> LinkedVersion:
    """The version `ref` (alias, vN, latest) with its fingerprint fields, in one query."""
    ref = (ref or "").strip()
    tag_sum, tag_count = _sum_and_count(VersionTag, version=OuterRef("pk"))
    prot_sum, prot_count = _sum_and_count(ProtectedAlias, registry=OuterRef("collection__registry"))
    qs = (
        LinkedVersion.objects.filter(
            collection__registry=registry, collection__name__iexact=collection_name
        )
        .select_related("collection", "linked_by")
        .annotate(
            max_index=Subquery(
                LinkedVersion.objects.filter(collection=OuterRef("collection"))
                .order_by("-index")
                .values("index")[:1]
            ),
            last_alias_event=Coalesce(
                Subquery(
                    AliasEvent.objects.filter(collection=OuterRef("collection"))
                    .order_by("-id")
                    .values("id")[:1]
                ),
                Value(0),
            ),
            tag_sum=tag_sum,
            tag_count=tag_count,
            prot_sum=prot_sum,
            prot_count=prot_count,
        )
    )
    version = None
    if ref.lower() == "latest":
        version = qs.order_by("-index").first()
    elif match := _VN.match(ref):
        version = qs.filter(index=int(match.group(1))).first()
    elif ref and len(ref) <= 128:
        version = qs.filter(aliases__name__iexact=ref).first()
    if version is None:
        collection = selectors.get_collection(registry, collection_name)  # 404 names it
        raise NotFound(selectors.VERSION_NOT_FOUND.format(ref=ref, collection=collection.name))
    version.collection.registry = registry
    return version


def etag_of(version: LinkedVersion) -> str:
    parts = (
        version.pk,
        version.index,
        version.max_index,
        version.last_alias_event,
        version.tag_sum,
        version.tag_count,
        version.prot_sum,
        version.prot_count,
        version.description,
        version.collection.name,
        version.collection.type,
        version.collection.registry.name,
    )
    return '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = [c.strip() for c in if_none_match.split(",")]
    return "*" in candidates or any(c.removeprefix("W/") == etag for c in candidates)


def version_payload(version: LinkedVersion) -> dict:
    """The full resolve response for a version loaded by resolve_for_etag."""
    collection = version.collection
    registry = collection.registry
    source = (
        ArtifactVersion.objects.select_related("artifact__project__team")
        .prefetch_related("files")
        .get(pk=version.source_id)
    )
    chips = selectors.chips_for(
        version, latest=version.max_index, protected=selectors.protected_names(registry)
    )
    return {
        "registry": registry.name,
        "collection": collection.name,
        "type": collection.type,
        "version": f"v{version.index}",
        "index": version.index,
        "aliases": [{"name": c.name, "kind": c.kind} for c in chips],
        "tags": list(version.tags.order_by("name").values_list("name", flat=True)),
        "description": version.description,
        "metadata": source.metadata,
        "digest": source.digest,
        "size": source.size,
        "files": [
            {"path": f.path, "sha256": f.blob_id, "size": f.size} for f in source.files.all()
        ],
        "source": {
            "entity": source.artifact.project.team.name,
            "project": source.artifact.project.name,
            "artifact": source.artifact.name,
            "version": f"v{source.index}",
        },
        "linked_at": version.linked_at,
        "linked_by": version.linked_by.get_username() if version.linked_by_id else None,
    }
