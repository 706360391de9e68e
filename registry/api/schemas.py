"""Request and response schemas (pydantic via django-ninja)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Path, Schema
from pydantic import Field

from registry import names
from registry.models.registries import Visibility
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


def declared(param, regex):
    """A path parameter whose pattern the schema declares and the services enforce (with
    their own message, or 404 for a name that cannot exist): pydantic's regex engine has
    no look-arounds, which the alias rule uses."""
    param.json_schema_extra = {**(param.json_schema_extra or {}), **rule(regex)}
    return param


# Path parameters: the same rules, enforced where the route reads them (a name that breaks
# one is answered 400 naming the rule, before any lookup).
RegistryName = Annotated[
    str,
    Path(
        max_length=113,
        pattern=names.REGISTRY_NAME_RE.pattern,
        description="A registry's name (W&B's `wandb-registry-` prefix may be left out).",
    ),
]
CollectionName = Annotated[
    str, Path(max_length=128, pattern=names.NAME_RE.pattern, description="A collection's name.")
]
VersionRef = Annotated[
    str,
    declared(
        Path(max_length=names.ALIAS_MAX, description="`vN`, `latest` or an alias."),
        names.ALIAS_RE,
    ),
]
EntityName = Annotated[
    str, Path(max_length=128, pattern=names.NAME_RE.pattern, description="An entity's name.")
]
ProjectName = Annotated[
    str, Path(max_length=128, pattern=names.NAME_RE.pattern, description="A project's name.")
]
RunId = Annotated[str, Path(max_length=64, description="A run's id.")]
Digest = Annotated[
    str, Path(min_length=64, max_length=64, pattern=SHA256_RE.pattern, description="sha256, hex.")
]
# What each path parameter must be, in the words the services use for the same rule: a
# refusal of a path parameter names the rule, not the regular expression.
PATH_RULES = {
    "registry": names.REGISTRY_NAME_RULE,
    "collection": names.NAME_RULE,
    "entity": names.NAME_RULE,
    "project": names.NAME_RULE,
    "ref": "a version is `vN`, `latest` or an alias, and " + names.ALIAS_RULE,
    "alias": names.ALIAS_RULE,
    "name": "an automation's name is 1-128 characters",
    "tag": names.TAG_RULE,
    "sha256": "a sha256 digest is 64 lowercase hexadecimal characters",
    "run_id": "a run id is at most 64 characters",
}
AutomationName = Annotated[
    str, Path(min_length=1, max_length=128, description="An automation's name.")
]
AliasName = Annotated[
    str, declared(Path(max_length=names.ALIAS_MAX, description="An alias."), names.ALIAS_RE)
]
TagName = Annotated[
    str, Path(max_length=names.TAG_MAX, pattern=names.TAG_RE.pattern, description="A tag.")
]


class Error(Schema):
    detail: str = Field(description="What was wrong and what is allowed.")
    hint: str | None = Field(
        None,
        description="What to do instead, when there is a way (e.g. request a promotion of "
        "a protected alias). Absent otherwise.",
    )


# What any authenticated route may answer besides its own successes: 429 comes from
# repeated bad API keys, whatever the route.
AUTH_ERRORS = {401: Error, 429: Error}
ERRORS = {400: Error, **AUTH_ERRORS, 403: Error, 404: Error, 409: Error}


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
    visibility: str = Field(
        "organization",
        max_length=32,
        description="organization | restricted",
        json_schema_extra={"enum": list(Visibility.values)},
    )
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
    ignored_aliases: list[str] = Field(
        default_factory=list,
        description="'latest' and 'vN' given as aliases: ignored, never stored.",
    )
    notice: str | None = Field(None, description="Says what was ignored, if anything.")


class VersionPatch(Schema):
    description: str = Field(max_length=100_000)


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
    name: str | None = Field(
        None,
        max_length=10_000,
        json_schema_extra=ALIAS,
        description="One alias, or several separated by commas.",
    )
    names: list[AliasStr] | None = Field(
        None, max_length=100, description="Aliases exactly as given (they may hold commas)."
    )
    override_reason: str = Field(
        "",
        max_length=2000,
        description="Organization admins only: move a protected alias past failing gates",
    )


class UseIn(Schema):
    entity: str = Field(max_length=128, json_schema_extra=NAME)
    project: str = Field(max_length=128, json_schema_extra=NAME)
    run_id: str = Field(max_length=64)


class CompareSide(Schema):
    version: str
    index: int
    digest: str
    source: str  # entity/project/artifact:vN
    run: str | None  # entity/project/run_id of the run that logged it
    inputs: list[str]  # what that run used, entity/project/artifact:vN
    aliases: list[Chip]
    tags: list[str]


class FileSide(Schema):
    sha256: str
    size: int


class FileChangeOut(Schema):
    path: str
    change: str  # added | removed | changed
    base: FileSide | None
    head: FileSide | None


class MetadataChangeOut(Schema):
    key: str  # nested keys joined with dots
    change: str
    base: Any = None  # null when added (the change says which side lacks the key)
    head: Any = None  # null when removed


class NamesChangeOut(Schema):
    added: list[str]
    removed: list[str]
    kept: list[str]


class FileCountsOut(Schema):
    added: int
    removed: int
    changed: int
    unchanged: int


class CompareOut(Schema):
    base: CompareSide
    head: CompareSide
    summary: str
    file_counts: FileCountsOut
    files: list[FileChangeOut]
    metadata: list[MetadataChangeOut]
    tags: NamesChangeOut
    aliases: NamesChangeOut
    inputs: NamesChangeOut
    source_run_changed: bool


# Promotion requests


class PromotionIn(Schema):
    alias: str = Field(max_length=names.ALIAS_MAX, json_schema_extra=ALIAS)
    reason: str = Field(max_length=2000, description="Why this version should hold the alias")


class DecisionIn(Schema):
    comment: str = Field("", max_length=2000)
    override_reason: str = Field(
        "",
        max_length=2000,
        description="Organization admins only: move despite failing gates, for this reason",
    )


class ApprovalOut(Schema):
    approver: str | None
    comment: str
    created_at: datetime


class GateOut(Schema):
    label: str
    passed: bool
    actual: str
    outcome: str = Field(description="passes | waiting (approvals to come) | fails")


class PromotionOut(Schema):
    id: int
    registry: str
    collection: str
    alias: str
    status: str = Field(description="pending | approved | rejected | withdrawn")
    version: str
    from_version: str | None = Field(description="what the alias held when requested")
    requested_by: str | None
    reason: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    comment: str
    override_reason: str
    approvals: list[ApprovalOut]
    gates: list[GateOut]
    url: str
