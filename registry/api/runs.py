"""Who am I, and runs (creating a run creates its entity and project when missing)."""

from __future__ import annotations

from ninja import Router, Status

from registry import key_scopes
from registry.api.schemas import (
    AUTH_ERRORS,
    ERRORS,
    EntityName,
    ProjectName,
    RunId,
    RunIn,
    RunOut,
    Viewer,
)
from registry.models import Run
from registry.selectors import sources
from registry.services import artifacts

router = Router(tags=["runs"])
RUN_ERRORS = {status: schema for status, schema in ERRORS.items() if status != 409}


def run_out(run: Run) -> dict:
    return {
        "id": run.run_id,
        "entity": run.project.team.name,
        "project": run.project.name,
        "name": run.name,
        "job_type": run.job_type,
        "state": run.state,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
    }


@router.get("/viewer", response={200: Viewer, **AUTH_ERRORS}, tags=["account"])
def viewer(request):
    """The user the request is authenticated as (the CLI's `login` checks keys with it)."""
    user = request.auth
    scope = key_scopes.scope_of(user)
    key = None
    if scope is not None:
        key = {
            "name": scope.key_name,
            "access": scope.access,
            "registries": None if scope.registry_ids is None else scope.registry_names(),
            "expires_at": scope.expires_at,
        }
    return {"username": user.get_username(), "is_org_admin": user.is_superuser, "key": key}


@router.post("/runs", response={201: RunOut, **RUN_ERRORS})
def create_run(request, payload: RunIn):
    """Start a run in `entity/project`, creating the entity (team) and project if missing."""
    run = artifacts.create_run(
        entity=payload.entity.strip(),
        project=payload.project.strip(),
        name=payload.name,
        job_type=payload.job_type,
        actor=request.auth,
    )
    return Status(201, run_out(run))


@router.get(
    "/entities/{entity}/projects/{project}/runs/{run_id}", response={200: RunOut, **RUN_ERRORS}
)
def get_run(request, entity: EntityName, project: ProjectName, run_id: RunId):
    run = sources.get_run(entity=entity, project=project, run_id=run_id, actor=request.auth)
    return run_out(run)


@router.post(
    "/entities/{entity}/projects/{project}/runs/{run_id}/finish",
    response={200: RunOut, **RUN_ERRORS},
)
def finish_run(request, entity: EntityName, project: ProjectName, run_id: RunId):
    run = sources.get_run(entity=entity, project=project, run_id=run_id, actor=request.auth)
    return run_out(artifacts.finish_run(run=run, actor=request.auth))
