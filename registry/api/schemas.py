"""Request and response schemas (pydantic via django-ninja)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from registry import names
from registry.storage import SHA256_RE


def rule(regex) -> dict:
    """Declare in the OpenAPI schema the pattern the services enforce (with their own
    messages), so clients and schema-driven tests know what is accepted."""
    return {"pattern": regex.pattern}


NAME = rule(names.NAME_RE)
ALIAS = rule(names.ALIAS_RE)
TAG = rule(names.TAG_RE)
TYPE = rule(names.TYPE_RE)
DIGEST = rule(SHA256_RE)
TagStr = Annotated[str, Field(max_length=names.TAG_MAX, json_schema_extra=TAG)]
TypeStr = Annotated[str, Field(max_length=64, json_schema_extra=TYPE)]
AliasStr = Annotated[str, Field(max_length=names.ALIAS_MAX, json_schema_extra=ALIAS)]


class Error(Schema):
    detail: str = Field(description="What was wrong and what is allowed.")


class KeyScopeOut(Schema):
    name: str
    access: str = Field(description="read-only | read-write")
    registries: list[str] | None = Field(
        description="The registries the key reaches; null: every registry its owner can see."
    )
    expires_at: datetime | None = Field(description="null: never expires.")


class Viewer(Schema):
    username: str
    is_org_admin: bool
    key: KeyScopeOut | None = Field(
        None, description="The API key the request came with (null for a browser session)."
    )


# Runs


class RunIn(Schema):
    entity: str = Field(max_length=128, json_schema_extra=NAME)
    project: str = Field(max_length=128, json_schema_extra=NAME)
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
    sha256: str = Field(min_length=64, max_length=64, json_schema_extra=DIGEST)
    # strict: JSON `false` or `"5"` is not a size.
    size: int = Field(ge=0, le=2**62, strict=True)


class ManifestIn(Schema):
    files: list[FileIn] = Field(min_length=1, max_length=100_000)


class MissingOut(Schema):
    missing: list[str] = Field(description="Digests the server lacks: upload these.")
    missing_bytes: int


class BlobOut(Schema):
    sha256: str
    size: int


class ArtifactVersionIn(Schema):
    name: str = Field(max_length=128, json_schema_extra=NAME)
    type: str = Field(max_length=64, json_schema_extra=TYPE)
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
    created_at: datetime
    updated_at: datetime


class RegistryIn(Schema):
    name: str = Field(max_length=113, json_schema_extra=rule(names.REGISTRY_NAME_RE))
    description: str = Field("", max_length=100_000)
    visibility: str = Field("organization", max_length=32, description="organization | restricted")
    accepted_types: list[TypeStr] = Field(["model"], max_length=100)


class RegistryPatch(Schema):
    description: str | None = Field(None, max_length=100_000)
    visibility: str | None = Field(
        None, max_length=32, description="restricted (a registry cannot be made public again)"
    )
    accepted_types: list[TypeStr] | None = Field(
        None,
        max_length=100,
        description="Types to accept; add-only, so every type already accepted must stay.",
    )


class CollectionOut(Schema):
    registry: str
    name: str
    type: str
    description: str
    tags: list[str]
    version_count: int
    created_at: datetime
    updated_at: datetime


class CollectionIn(Schema):
    name: str = Field(max_length=128, json_schema_extra=NAME)
    type: str = Field(max_length=64, json_schema_extra=TYPE)
    description: str = Field("", max_length=100_000)
    tags: list[TagStr] = Field(default_factory=list, max_length=100)


class CollectionPatch(Schema):
    description: str = Field(max_length=100_000)


class TagsIn(Schema):
    names: list[TagStr] = Field(min_length=1, max_length=100)


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
    entity: str = Field(max_length=128, json_schema_extra=NAME)
    project: str = Field(max_length=128, json_schema_extra=NAME)
    artifact: str = Field(max_length=128, json_schema_extra=NAME)
    version: str = Field(
        max_length=32,
        description="vN, or 'latest'",
        json_schema_extra={"pattern": "^(v[0-9]+|latest)$"},
    )


class LinkIn(Schema):
    source: SourceRef
    aliases: list[AliasStr] = Field(default_factory=list, max_length=100)
    description: str = Field("", max_length=100_000)


class AliasIn(Schema):
    name: str = Field(max_length=names.ALIAS_MAX, json_schema_extra=ALIAS)


class UseIn(Schema):
    entity: str = Field(max_length=128, json_schema_extra=NAME)
    project: str = Field(max_length=128, json_schema_extra=NAME)
    run_id: str = Field(max_length=64)
