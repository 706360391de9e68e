"""Runs: `init()` starts one; it logs, links and uses artifacts, and records lineage."""

from __future__ import annotations

from typing import Any

from registry_sdk import _state, paths
from registry_sdk.artifact import Artifact
from registry_sdk.client import Client, q
from registry_sdk.errors import UsageError

DEFAULT_PROJECT = "uncategorized"


# The run `init()` started last, which `registry_sdk.finish()` finishes.
current_run: Run | None = None


class Run:
    def __init__(self, client: Client, data: dict[str, Any], config: dict | None = None):
        self._client = client
        self.id = data["id"]
        self.entity = data["entity"]
        self.project = data["project"]
        self.name = data["name"]
        self.job_type = data["job_type"]
        self.state = data["state"]
        self.config = dict(config or {})

    def __repr__(self) -> str:
        return f"<Run {self.entity}/{self.project}/{self.id} ({self.state})>"

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc_info) -> None:
        self.finish()

    @property
    def _url(self) -> str:
        return f"/entities/{q(self.entity)}/projects/{q(self.project)}/runs/{q(self.id)}"

    def log_artifact(
        self, artifact: Artifact, aliases: list[str] | None = None, **_ignored
    ) -> Artifact:
        """Upload the files the server lacks and commit the version.

        Logging identical content again returns the existing version and uploads nothing.
        Source versions carry no aliases of their own: `aliases` are kept and applied by a
        later `link_artifact` that is given none.
        """
        if not isinstance(artifact, Artifact):
            raise UsageError("log_artifact needs a registry_sdk.Artifact.")
        if artifact.source is None:
            artifact._log(self._client, entity=self.entity, project=self.project, run_id=self.id)
        artifact.logged_aliases = [a for a in aliases or [] if a.lower() != "latest"]
        return artifact

    def link_artifact(
        self,
        artifact: Artifact,
        target_path: str,
        aliases: list[str] | None = None,
        **_ignored,
    ) -> Artifact:
        """Link `artifact` into `wandb-registry-<registry>/<collection>` with `aliases`.

        Logs the artifact first if needed; creates the collection if missing. Returns the
        linked version (with `.version` and `.aliases`).
        """
        paths.parse(target_path, allow_ref=False)
        if artifact.source is None:
            self.log_artifact(artifact)
        if aliases is None:
            aliases = artifact.logged_aliases
        return artifact.link(target_path, aliases=list(aliases))

    def use_artifact(self, artifact_or_name: str | Artifact, **_ignored) -> Artifact:
        """Fetch a registry version and record that this run uses it (lineage)."""
        if isinstance(artifact_or_name, Artifact):
            if artifact_or_name.registry is None:
                raise UsageError("use_artifact needs a registry artifact or a path to one.")
            path = paths.RegistryPath(
                artifact_or_name.registry, artifact_or_name.collection, artifact_or_name.version
            )
        else:
            path = paths.parse(artifact_or_name)
        data = self._client.post(
            f"/registries/{q(path.registry)}/collections/{q(path.collection)}"
            f"/versions/{q(path.ref or 'latest')}/use",
            {"entity": self.entity, "project": self.project, "run_id": self.id},
        )
        return Artifact._from_registry(self._client, data)

    def finish(self, **_ignored) -> None:
        if self.state != "finished":
            self.state = self._client.post(f"{self._url}/finish")["state"]


def init(
    entity: str | None = None,
    project: str | None = None,
    job_type: str | None = None,
    name: str | None = None,
    config: dict | None = None,
    **_ignored,
) -> Run:
    """Start a run in `entity/project` (created if missing). Use as a context manager."""
    global current_run
    client = _state.client()
    if entity is None:
        entity = client.get("/viewer")["username"]
    data = client.post(
        "/runs",
        {
            "entity": entity,
            "project": project or DEFAULT_PROJECT,
            "job_type": job_type or "",
            "name": name or "",
        },
    )
    run = Run(client, data, config)
    current_run = run
    return run
