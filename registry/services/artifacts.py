"""Entities, projects, runs and source artifact versions (immutable once committed)."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from registry import key_scopes, permissions
from registry.db import lower
from registry.errors import Forbidden, Invalid
from registry.models import (
    Artifact,
    ArtifactFile,
    ArtifactVersion,
    Blob,
    LinkedVersion,
    Project,
    Run,
    RunArtifact,
    Team,
    TeamMembership,
)
from registry.names import name_problem, type_problem
from registry.storage import check_digest, missing_digests

TEAM_CREATION_OFF = (
    "Entity '{name}' does not exist, and creating teams is turned off on this server "
    "(REGISTRY_ALLOW_TEAM_CREATION); ask an organization admin to create it."
)
TYPE_CHANGED = (
    "Artifact '{name}' has type '{existing}'; a version of type '{type}' cannot be added."
)
BLOBS_MISSING = "{count} file(s) have not been uploaded yet: {digests}. Upload them, then commit."
PATH_INVALID = (
    "'{path}' is not a valid file path: use a relative path with '/' between folders, "
    "without '.' or '..' segments, backslashes, a drive letter (C:) or a UNC (//server) prefix."
)
MANIFEST_EMPTY = "An artifact version needs at least one file."


@dataclass(frozen=True)
class ManifestEntry:
    path: str
    sha256: str
    size: int


# A drive letter ("C:", "C:foo") as a first segment: relative on POSIX but absolute, or
# drive-relative, on Windows, where a client would write outside its download folder.
_DRIVE_RE = re.compile(r"^[A-Za-z]:")


def _check_path(path: str) -> str:
    """The manifest path as stored; refused unless it is relative on every OS.

    Backslashes are refused, not translated: on Windows they separate folders, so
    `..\\x` or `\\\\server\\share` would escape the download folder there.
    """
    parts = (path or "").split("/")
    if (
        not path
        or path.startswith("/")
        or "\\" in path
        or _DRIVE_RE.match(path)
        or any(p in ("", ".", "..") for p in parts)
        or len(path) > 1024
    ):
        raise Invalid(PATH_INVALID.format(path=path))
    return path


def manifest_digest(entries: list[ManifestEntry]) -> str:
    canonical = json.dumps(
        sorted([e.path, e.sha256, e.size] for e in entries), separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def clean_manifest(raw: list[dict]) -> list[ManifestEntry]:
    if not raw:
        raise Invalid(MANIFEST_EMPTY)
    entries, seen = [], set()
    for item in raw:
        path = _check_path(str(item.get("path", "")))
        if path in seen:
            raise Invalid(f"'{path}' appears twice in the manifest.")
        seen.add(path)
        size = item.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise Invalid(f"The size of '{path}' must be a whole number of bytes, not {size!r}.")
        entries.append(ManifestEntry(path, check_digest(str(item.get("sha256", ""))), size))
    return entries


@transaction.atomic
def get_or_create_team(*, name: str, actor) -> Team:
    """The entity `name`; created with the caller as admin if missing (when allowed)."""
    key_scopes.check(actor, action="Logging runs and artifacts", write=True)
    problem = name_problem(name, "entity")
    if problem:
        raise Invalid(problem)
    team = Team.objects.filter(name__lower=lower(name)).first()
    if team is None:
        personal = name.lower() == actor.get_username().lower()
        if not personal and not (settings.REGISTRY_ALLOW_TEAM_CREATION or actor.is_superuser):
            raise Forbidden(TEAM_CREATION_OFF.format(name=name))
        try:
            with transaction.atomic():
                team = Team.objects.create(name=name, is_personal=personal, created_by=actor)
                TeamMembership.objects.create(team=team, user=actor, is_admin=True)
        except IntegrityError:
            team = Team.objects.get(name__lower=lower(name))
    permissions.check_team_member(team, actor)
    return team


@transaction.atomic
def get_or_create_project(*, team: Team, name: str, actor) -> Project:
    permissions.check_team_member(team, actor)
    problem = name_problem(name, "project")
    if problem:
        raise Invalid(problem)
    project = Project.objects.filter(team=team, name__lower=lower(name)).first()
    if project is None:
        try:
            with transaction.atomic():
                project = Project.objects.create(team=team, name=name)
        except IntegrityError:
            project = Project.objects.get(team=team, name__lower=lower(name))
    return project


@transaction.atomic
def create_run(*, entity: str, project: str, actor, name: str = "", job_type: str = "") -> Run:
    team = get_or_create_team(name=entity, actor=actor)
    proj = get_or_create_project(team=team, name=project, actor=actor)
    run_id = secrets.token_hex(4)
    return Run.objects.create(
        project=proj,
        run_id=run_id,
        name=(name or "").strip()[:128] or f"run-{run_id}",
        job_type=(job_type or "").strip()[:64],
        created_by=actor,
    )


@transaction.atomic
def finish_run(*, run: Run, actor) -> Run:
    key_scopes.check(actor, action="Finishing a run", write=True)
    permissions.check_team_member(run.project.team, actor)
    if run.state != Run.State.FINISHED:
        run.state = Run.State.FINISHED
        run.finished_at = timezone.now()
        run.save(update_fields=["state", "finished_at"])
    return run


@transaction.atomic
def log_artifact_version(
    *,
    project: Project,
    name: str,
    type_: str,
    manifest: list[ManifestEntry],
    actor,
    metadata: dict | None = None,
    description: str = "",
    run: Run | None = None,
) -> tuple[ArtifactVersion, bool]:
    """Commit a version from a manifest whose blobs are all uploaded.

    Identical content (same manifest digest) returns the existing version.
    """
    key_scopes.check(actor, action="Logging an artifact version", write=True)
    permissions.check_team_member(project.team, actor)
    for problem in (name_problem(name, "artifact"), type_problem(type_)):
        if problem:
            raise Invalid(problem)
    if not manifest:
        raise Invalid(MANIFEST_EMPTY)
    missing = missing_digests(e.sha256 for e in manifest)
    if missing:
        raise Invalid(BLOBS_MISSING.format(count=len(missing), digests=", ".join(missing[:5])))
    sizes = dict(
        Blob.objects.filter(sha256__in={e.sha256 for e in manifest}).values_list("sha256", "size")
    )
    for e in manifest:
        if sizes[e.sha256] != e.size:
            raise Invalid(f"'{e.path}' is {sizes[e.sha256]} bytes on the server, not {e.size}.")
    artifact, _ = Artifact.objects.get_or_create(
        project=project, name=name, defaults={"type": type_}
    )
    if artifact.type != type_:
        raise Invalid(TYPE_CHANGED.format(name=name, existing=artifact.type, type=type_))
    artifact = Artifact.objects.select_for_update().get(pk=artifact.pk)
    digest = manifest_digest(manifest)
    existing = ArtifactVersion.objects.filter(artifact=artifact, digest=digest).first()
    if existing is not None:
        if run is not None:
            RunArtifact.objects.get_or_create(
                run=run, version=existing, kind=RunArtifact.Kind.LOGGED
            )
        return existing, False
    Artifact.objects.filter(pk=artifact.pk).update(next_index=F("next_index") + 1)
    version = ArtifactVersion.objects.create(
        artifact=artifact,
        index=artifact.next_index,
        digest=digest,
        description=(description or "").strip(),
        metadata=metadata or {},
        size=sum(e.size for e in manifest),
        file_count=len(manifest),
        created_by=actor,
        created_run=run,
    )
    ArtifactFile.objects.bulk_create(
        ArtifactFile(version=version, path=e.path, blob_id=e.sha256, size=e.size) for e in manifest
    )
    if run is not None:
        RunArtifact.objects.create(run=run, version=version, kind=RunArtifact.Kind.LOGGED)
    return version, True


@transaction.atomic
def record_use(*, linked: LinkedVersion, actor, run: Run | None = None) -> LinkedVersion:
    """`use_artifact`: needs the Viewer role; records lineage on the run."""
    permissions.check_can_download(actor, linked.collection.registry)
    if run is not None:
        key_scopes.check(actor, action="Recording lineage on a run", write=True)
        permissions.check_team_member(run.project.team, actor)
        RunArtifact.objects.get_or_create(
            run=run, version=linked.source, kind=RunArtifact.Kind.USED
        )
    return linked
