"""Request and response schemas (pydantic via django-ninja)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field


class Error(Schema):
    detail: str = Field(description="What was wrong and what is allowed.")


class Viewer(Schema):
    username: str
    is_org_admin: bool


# Runs


class RunIn(Schema):
    entity: str = Field(max_length=128)
    project: str = Field(max_length=128)
    name: str = Field("", max_length=128)
    job_type: str = Field("", max_length=64)


class RunOut(Schema):
    id: str
    entity: str
    project: str
    name: str
    job_type: str
    state: str
    created_at: datetime
    finished_at: datetime | None


# Artifacts and blobs


class FileIn(Schema):
    path: str = Field(min_length=1, max_length=1024)
    sha256: str = Field(min_length=64, max_length=64)
    size: int = Field(ge=0, le=2**62)


class ManifestIn(Schema):
    files: list[FileIn] = Field(min_length=1, max_length=100_000)


class MissingOut(Schema):
    missing: list[str] = Field(description="Digests the server lacks: upload these.")
    missing_bytes: int


class BlobOut(Schema):
    sha256: str
    size: int


class ArtifactVersionIn(Schema):
    name: str = Field(max_length=128)
    type: str = Field(max_length=64)
    description: str = Field("", max_length=100_000)
    metadata: dict[str, Any] = Field(default_factory=dict)
    files: list[FileIn] = Field(min_length=1, max_length=100_000)
    run_id: str | None = Field(None, max_length=64)


class FileOut(Schema):
    path: str
    sha256: str
    size: int


class ArtifactVersionOut(Schema):
    entity: str
    project: str
    name: str
    type: str
    version: str
    index: int
    digest: str
    description: str
    metadata: dict[str, Any]
    size: int
    created: bool
    files: list[FileOut]


# Registries and collections


class RegistryOut(Schema):
    name: str
    description: str
    visibility: str
    accepted_types: list[str]
    role: str | None


class RegistryIn(Schema):
    name: str = Field(max_length=113)
    description: str = Field("", max_length=100_000)
    visibility: str = Field("organization", max_length=32, description="organization | restricted")
    accepted_types: list[str] = Field(["model"], max_length=100)


class CollectionOut(Schema):
    registry: str
    name: str
    type: str
    description: str
    tags: list[str]
    version_count: int


class CollectionIn(Schema):
    name: str = Field(max_length=128)
    type: str = Field(max_length=64)
    description: str = Field("", max_length=100_000)
    tags: list[str] = Field(default_factory=list, max_length=100)


class CollectionPatch(Schema):
    description: str = Field(max_length=100_000)


class TagsIn(Schema):
    names: list[str] = Field(min_length=1, max_length=100)


# Linked versions


class Chip(Schema):
    name: str
    kind: str = Field(description="custom | protected | default")


class SourceOut(Schema):
    entity: str
    project: str
    artifact: str
    version: str


class VersionOut(Schema):
    registry: str
    collection: str
    type: str
    version: str
    index: int
    aliases: list[Chip]
    tags: list[str]
    description: str
    metadata: dict[str, Any]
    digest: str
    size: int
    files: list[FileOut]
    source: SourceOut
    linked_at: datetime
    linked_by: str | None


class VersionSummary(Schema):
    version: str
    index: int
    aliases: list[Chip]
    tags: list[str]
    linked_at: datetime


class SourceRef(Schema):
    entity: str = Field(max_length=128)
    project: str = Field(max_length=128)
    artifact: str = Field(max_length=128)
    version: str = Field(max_length=32, description="vN, or 'latest'")


class LinkIn(Schema):
    source: SourceRef
    aliases: list[str] = Field(default_factory=list, max_length=100)
    description: str = Field("", max_length=100_000)


class AliasIn(Schema):
    name: str = Field(max_length=256)


class UseIn(Schema):
    entity: str = Field(max_length=128)
    project: str = Field(max_length=128)
    run_id: str = Field(max_length=64)
