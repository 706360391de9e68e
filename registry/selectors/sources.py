"""Source artifact versions and runs, as the API names them (entity/project/artifact:vN)."""

from __future__ import annotations

from registry import permissions
from registry.db import lower
from registry.errors import NotFound
from registry.models import ArtifactVersion, Run, TeamMembership
from registry.names import RefKind, parse_ref

SOURCE_NOT_FOUND = (
    "Artifact version '{entity}/{project}/{artifact}:{version}' does not exist or you are "
    "not a member of entity '{entity}'."
)
RUN_NOT_FOUND = "Run '{entity}/{project}/{run_id}' does not exist."


def get_source_version(*, actor, entity: str, project: str, artifact: str, ref: str):
    """A committed source version (`vN` or `latest`) the actor may link: a member of its
    entity. Strangers get the same answer as for a version that does not exist."""
    versions = ArtifactVersion.objects.select_related("artifact__project__team").filter(
        artifact__project__team__name__lower=lower(entity),
        artifact__project__name__lower=lower(project),
        artifact__name=artifact,
    )
    if not actor.is_superuser:
        members = TeamMembership.objects.filter(user=actor).values("team_id")
        versions = versions.filter(artifact__project__team_id__in=members)
    parsed = parse_ref(ref)
    version = None
    if parsed.kind == RefKind.LATEST:
        version = versions.order_by("-index").first()
    elif parsed.kind == RefKind.INDEX and parsed.index is not None:
        version = versions.filter(index=parsed.index).first()
    if version is None:
        raise NotFound(
            SOURCE_NOT_FOUND.format(entity=entity, project=project, artifact=artifact, version=ref)
        )
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
