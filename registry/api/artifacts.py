"""Logging source artifact versions: which blobs are missing, blob upload, commit."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from registry import key_scopes
from registry.api.schemas import (
    ERRORS,
    ArtifactVersionIn,
    ArtifactVersionOut,
    BlobOut,
    Digest,
    EntityName,
    ManifestIn,
    MissingOut,
    ProjectName,
)
from registry.errors import Invalid
from registry.models import ArtifactVersion
from registry.selectors.sources import get_run
from registry.services import artifacts
from registry.storage import CHUNK, check_digest, missing_digests, store_blob

router = Router(tags=["artifacts"])
LENGTH_REQUIRED = (
    "A blob upload needs a Content-Length header and the raw file bytes as the body "
    "(chunked uploads are not accepted)."
)


def _manifest(files) -> list[artifacts.ManifestEntry]:
    return artifacts.clean_manifest([f.dict() for f in files])


@router.post("/blobs/missing", response={200: MissingOut, **ERRORS})
def missing_blobs(request, payload: ManifestIn):
    """Which of the manifest's blobs the server lacks: upload only those."""
    manifest = _manifest(payload.files)
    missing = set(missing_digests(e.sha256 for e in manifest))
    sizes = {e.sha256: e.size for e in manifest if e.sha256 in missing}
    return {"missing": sorted(missing), "missing_bytes": sum(sizes.values())}


def _body_chunks(request: HttpRequest, length: int):
    """The request body in chunks, never more than Content-Length, never whole in memory."""
    remaining = length
    while remaining > 0:
        chunk = request.read(min(CHUNK, remaining))
        if not chunk:
            received = length - remaining
            raise Invalid(
                f"The upload ended after {received} of {length} bytes; nothing was stored."
            )
        remaining -= len(chunk)
        yield chunk


@router.put(
    "/blobs/{sha256}",
    response={201: BlobOut, **ERRORS},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
def upload_blob(request, sha256: Digest):
    """Upload one file's bytes under their sha256. Bytes that do not match are refused."""
    key_scopes.check(request.auth, action="Uploading files", write=True)
    check_digest(sha256)
    raw_length = request.META.get("CONTENT_LENGTH") or ""
    if not raw_length.isdigit():
        raise Invalid(LENGTH_REQUIRED)
    length = int(raw_length)
    blob = store_blob(_body_chunks(request, length), sha256, expected_size=length)
    return Status(201, {"sha256": blob.sha256, "size": blob.size})


def version_out(version: ArtifactVersion, created: bool) -> dict:
    artifact = version.artifact
    return {
        "entity": artifact.project.team.name,
        "project": artifact.project.name,
        "name": artifact.name,
        "type": artifact.type,
        "version": f"v{version.index}",
        "index": version.index,
        "digest": version.digest,
        "description": version.description,
        "metadata": version.metadata,
        "size": version.size,
        "created": created,
        "files": [
            {"path": f.path, "sha256": f.blob_id, "size": f.size} for f in version.files.all()
        ],
    }


@router.post(
    "/entities/{entity}/projects/{project}/artifacts",
    response={200: ArtifactVersionOut, 201: ArtifactVersionOut, **ERRORS},
)
def commit_version(request, entity: EntityName, project: ProjectName, payload: ArtifactVersionIn):
    """Commit a version from a manifest whose blobs are uploaded.

    Identical content returns the existing version (200) instead of a new one (201).
    """
    actor = request.auth
    manifest = _manifest(payload.files)
    if payload.run_id:
        run = get_run(entity=entity, project=project, run_id=payload.run_id, actor=actor)
        proj = run.project
    else:
        run = None
        team = artifacts.get_or_create_team(name=entity, actor=actor)
        proj = artifacts.get_or_create_project(team=team, name=project, actor=actor)
    version, created = artifacts.log_artifact_version(
        project=proj,
        name=payload.name.strip(),
        type_=payload.type.strip(),
        manifest=manifest,
        actor=actor,
        metadata=payload.metadata,
        description=payload.description,
        run=run,
    )
    version = ArtifactVersion.objects.select_related("artifact__project__team").get(pk=version.pk)
    return Status((201 if created else 200), version_out(version, created))
