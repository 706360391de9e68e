"""Source artifact versions and runs, as the API names them (entity/project/artifact:vN)."""

from __future__ import annotations

from functools import partial

from django.db.models import IntegerField, Value
from django.db.models.functions import Cast

from registry import permissions
from registry.db import lower
from registry.errors import NotFound
from registry.models import ArtifactVersion, Run, TeamMembership
from registry.names import RefKind, parse_ref
from registry.selectors.compiled import compiled

SOURCE_NOT_FOUND = (
    "Artifact version '{entity}/{project}/{artifact}:{version}' does not exist or you are "
    "not a member of entity '{entity}'."
)
RUN_NOT_FOUND = "Run '{entity}/{project}/{run_id}' does not exist."


def _source_versions(kind: RefKind, member: bool, **values):
    """Source versions named entity/project/artifact (`vN` or `latest`), of the entities
    `user` belongs to when `member`. Values arrive as markers (see selectors.compiled)."""
    versions = ArtifactVersion.objects.select_related("artifact__project__team").filter(
        artifact__project__team__name__lower=lower(values["entity"]),
        artifact__project__name__lower=lower(values["project"]),
        artifact__name=values["artifact"],
    )
    if member:
        user_id = Cast(Value(values["user"]), IntegerField())
        members = TeamMembership.objects.filter(user_id=user_id).values("team_id")
        versions = versions.filter(artifact__project__team_id__in=members)
    if kind == RefKind.LATEST:
        return versions.order_by("-index")[:1]
    return versions.filter(index=Cast(Value(values["index"]), IntegerField()))[:1]


def get_source_version(*, actor, entity: str, project: str, artifact: str, ref: str):
    """A committed source version (`vN` or `latest`) the actor may link: a member of its
    entity. Strangers get the same answer as for a version that does not exist.

    Every link reads it, so the query is compiled once (selectors.compiled): built per
    call it was a quarter of an API link's CPU.
    """
    parsed = parse_ref(ref)
    version = None
    if parsed.kind == RefKind.LATEST or (parsed.kind == RefKind.INDEX and parsed.index is not None):
        member = not actor.is_superuser
        names = ("entity", "project", "artifact")
        names += ("user",) if member else ()
        names += ("index",) if parsed.kind == RefKind.INDEX else ()
        query = compiled(
            f"source-version:{parsed.kind}:{member}",
            partial(_source_versions, parsed.kind, member),
            *names,
        )
        version = query.first_instance(
            entity=entity, project=project, artifact=artifact, user=actor.pk, index=parsed.index
        )
    if version is None:
        raise NotFound(
            SOURCE_NOT_FOUND.format(entity=entity, project=project, artifact=artifact, version=ref)
        )
    if not actor.is_superuser:  # found among the entities the actor is a member of
        permissions.remember_team_member(actor, version.artifact.project.team_id)
    return version


def get_run(*, entity: str, project: str, run_id: str, actor) -> Run:
    """A run of an entity the actor belongs to."""
    run = (
        Run.objects.select_related("project__team")
        .filter(
            project__team__name__lower=lower(entity),
            project__name__lower=lower(project),
            run_id=run_id,
        )
        .first()
    )
    if run is None:
        raise NotFound(RUN_NOT_FOUND.format(entity=entity, project=project, run_id=run_id))
    permissions.check_team_member(run.project.team, actor)
    return run
