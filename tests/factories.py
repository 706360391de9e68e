"""Building blocks for tests: users, source versions and linked versions via the services."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from registry.models import ArtifactVersion, Project, Team, TeamMembership
from registry.services import artifacts
from registry.services.linking import link_version
from registry.storage import store_bytes

_counter = itertools.count()


def make_user(username: str, *, superuser: bool = False, password: str = "pw-secret-123"):
    User = get_user_model()
    if superuser:
        return User.objects.create_superuser(username, f"{username}@example.com", password)
    return User.objects.create_user(username, f"{username}@example.com", password)


def make_project(actor, entity: str = "team", project: str = "proj") -> Project:
    """The project, in a shared entity that `actor` joins if someone else created it."""
    existing = Team.objects.filter(name__iexact=entity).first()
    if existing is not None:
        TeamMembership.objects.get_or_create(team=existing, user=actor)
    team = artifacts.get_or_create_team(name=entity, actor=actor)
    return artifacts.get_or_create_project(team=team, name=project, actor=actor)


def make_source(
    actor,
    *,
    name: str = "model",
    type_: str = "model",
    project: Project | None = None,
    content: bytes | None = None,
    metadata: dict | None = None,
) -> ArtifactVersion:
    """A committed source version with one file of unique content."""
    project = project or make_project(actor)
    data = content if content is not None else f"content-{next(_counter)}".encode()
    blob = store_bytes(data)
    version, _ = artifacts.log_artifact_version(
        project=project,
        name=name,
        type_=type_,
        actor=actor,
        metadata=metadata or {},
        manifest=[artifacts.ManifestEntry("weights.bin", blob.sha256, blob.size)],
    )
    return version


def link_new(actor, registry, collection: str = "zoo", aliases=(), type_: str = "model"):
    """Log a fresh source version and link it; returns the LinkedVersion."""
    source = make_source(actor, type_=type_, name=f"{collection}-{type_}")
    linked, _ = link_version(
        registry=registry, collection_name=collection, source=source, aliases=aliases, actor=actor
    )
    return linked


def log_files(actor, files: dict[str, bytes], *, name="zoo-model", metadata=None, run=None):
    """A committed source version holding `files` (path -> content)."""
    manifest = []
    for path, content in files.items():
        blob = store_bytes(content)
        manifest.append(artifacts.ManifestEntry(path, blob.sha256, blob.size))
    version, _ = artifacts.log_artifact_version(
        project=make_project(actor),
        name=name,
        type_="model",
        actor=actor,
        metadata=metadata or {},
        manifest=manifest,
        run=run,
    )
    return version


def link_files(actor, registry, files: dict[str, bytes], *, aliases=(), collection="zoo", **kw):
    """`log_files` linked into `registry/collection`; returns the LinkedVersion."""
    linked, _ = link_version(
        registry=registry,
        collection_name=collection,
        source=log_files(actor, files, **kw),
        aliases=aliases,
        actor=actor,
    )
    return linked
