"""Our collections and versions in MLflow's protobuf-JSON shapes.

Versions are strings, times epoch milliseconds, tags `[{"key", "value"}]`. Our tags are
names without values, so each comes out with an empty value. A model version's `aliases`
are its stored aliases (custom and protected; MLflow has no derived `latest`/`vN`), and
its tag `registry.version` gives our own version name (`v0` for MLflow's `1`). `source`
is the linked source version as `ENTITY/PROJECT/ARTIFACT:vN`, the form
`model-versions/create` accepts.
"""

from __future__ import annotations

from registry.mlflow_api.names import model_name, to_mlflow
from registry.models import Collection, LinkedVersion

VERSION_TAG = "registry.version"


def millis(moment) -> int:
    return int(moment.timestamp() * 1000) if moment is not None else 0


def source_ref(source) -> str:
    artifact = source.artifact
    return f"{artifact.project.team.name}/{artifact.project.name}/{artifact.name}:v{source.index}"


def _tags(names) -> list[dict]:
    return [{"key": name, "value": ""} for name in names]


def model_version(version: LinkedVersion) -> dict:
    """A version loaded with `reads.version_rows` (aliases and tags prefetched)."""
    collection = version.collection
    run = version.source.created_run
    body = {
        "name": model_name(collection.registry.name, collection.name),
        "version": to_mlflow(version.index),
        "creation_timestamp": millis(version.linked_at),
        "last_updated_timestamp": millis(version.linked_at),
        "user_id": version.linked_by.get_username() if version.linked_by_id else "",
        "current_stage": "None",
        "description": version.description,
        "source": source_ref(version.source),
        "run_id": run.run_id if run is not None else "",
        "status": "READY",
        "tags": [
            *_tags(t.name for t in version.tags.all()),
            {"key": VERSION_TAG, "value": f"v{version.index}"},
        ],
        "aliases": [a.name for a in version.aliases.all()],
    }
    return body


def registered_model(
    collection: Collection, *, latest: LinkedVersion | None, aliases: list[tuple[str, int]]
) -> dict:
    """A collection as a registered model; `aliases` are (name, index) pairs."""
    return {
        "name": model_name(collection.registry.name, collection.name),
        "creation_timestamp": millis(collection.created_at),
        "last_updated_timestamp": millis(collection.updated_at),
        "description": collection.description,
        "latest_versions": [model_version(latest)] if latest is not None else [],
        "tags": _tags(t.name for t in collection.tags.all()),
        "aliases": [{"alias": name, "version": to_mlflow(index)} for name, index in aliases],
    }
