"""Shared content for the page tests: a `zoo` collection in Model and in Secret."""

from __future__ import annotations

import pytest

from registry.services import registries
from tests.factories import link_new

HTMX = {"HTTP_HX_REQUEST": "true"}


def htmx(target: str | None = None) -> dict:
    headers = dict(HTMX)
    if target:
        headers["HTTP_HX_TARGET"] = target
    return headers


@pytest.fixture
def zoo(registry, org_admin):
    """Model/zoo with v0 (best_model), v1 (production, protected), v2 (latest)."""
    registries.create_protected_alias(registry=registry, name="production", actor=org_admin)
    v0 = link_new(org_admin, registry, "zoo", aliases=["best_model"])
    v1 = link_new(org_admin, registry, "zoo", aliases=["production"])
    v2 = link_new(org_admin, registry, "zoo")
    return {"collection": v0.collection, "versions": [v0, v1, v2]}


@pytest.fixture
def secret_zoo(restricted, org_admin):
    v0 = link_new(org_admin, restricted, "vault", aliases=["candidate"])
    return v0


@pytest.fixture
def as_user(client):
    def _as(user):
        client.force_login(user)
        return client

    return _as


def bulk_versions(collection, actor, count: int, *, files_per_version: int = 1) -> list:
    """Link `count` more versions into `collection` fast (bulk inserts), each with an alias,
    a tag, an alias event and `files_per_version` files, as the services would leave them."""
    from registry.models import (
        Alias,
        AliasEvent,
        Artifact,
        ArtifactFile,
        ArtifactVersion,
        Collection,
        LinkedVersion,
        LinkRecord,
        VersionTag,
    )
    from registry.storage import store_bytes
    from tests.factories import make_project

    project = make_project(actor, entity="bulk", project="bulk")
    artifact, _ = Artifact.objects.get_or_create(
        project=project, name=f"{collection.name}-bulk", defaults={"type": collection.type}
    )
    blob = store_bytes(b"bulk-content")
    start_source = artifact.versions.count()
    sources = ArtifactVersion.objects.bulk_create(
        ArtifactVersion(
            artifact=artifact,
            index=start_source + i,
            digest=f"{collection.pk:08d}{start_source + i:056d}",
            size=blob.size * files_per_version,
            file_count=files_per_version,
            metadata={"i": i},
            created_by=actor,
        )
        for i in range(count)
    )
    ArtifactFile.objects.bulk_create(
        ArtifactFile(version=s, path=f"file-{j}.bin", blob=blob, size=blob.size)
        for s in sources
        for j in range(files_per_version)
    )
    collection.refresh_from_db()
    first = collection.next_index
    linked = LinkedVersion.objects.bulk_create(
        LinkedVersion(collection=collection, index=first + i, source=s, linked_by=actor)
        for i, s in enumerate(sources)
    )
    Collection.objects.filter(pk=collection.pk).update(next_index=first + count)
    LinkRecord.objects.bulk_create(
        LinkRecord(
            collection=collection,
            index=v.index,
            source=v.source,
            linked_at=v.linked_at,
            linked_by=actor,
        )
        for v in linked
    )
    Alias.objects.bulk_create(
        Alias(collection=collection, version=v, name=f"bulk-{v.index}", created_by=actor)
        for v in linked
    )
    VersionTag.objects.bulk_create(VersionTag(version=v, name=f"tag {v.index}") for v in linked)
    AliasEvent.objects.bulk_create(
        AliasEvent(
            collection=collection,
            alias=f"bulk-{v.index}",
            action=AliasEvent.Action.ADD,
            to_index=v.index,
            to_version=v,
            actor=actor,
        )
        for v in linked
    )
    return linked


def text(response) -> str:
    """The response body with HTML entities decoded (apostrophes in messages are escaped)."""
    import html

    return html.unescape(response.content.decode())
