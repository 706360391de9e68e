"""MLflow's own client against our server, and the data its tests share.

MLflow starts a telemetry client when it is imported; the tests never let it send
anything off the machine, so it is switched off before the first import.
"""

from __future__ import annotations

import os
import threading
import time

import pytest

os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
os.environ["DO_NOT_TRACK"] = "true"

from registry.models import AliasEvent  # noqa: E402
from registry.services.api_keys import create_api_key  # noqa: E402
from registry.services.artifacts import ManifestEntry, log_artifact_version  # noqa: E402
from registry.services.linking import link_version  # noqa: E402
from registry.services.registries import create_protected_alias  # noqa: E402
from registry.storage import store_bytes  # noqa: E402
from tests.api.conftest import ApiClient  # noqa: E402
from tests.factories import make_project  # noqa: E402

# Transactional: the live server answers from another thread.
live = pytest.mark.django_db(transaction=True)


def link_files(actor, registry, collection: str, files: dict[str, bytes], aliases=()):
    """Log a source version holding `files` and link it into `registry/collection`."""
    manifest = []
    for path, data in files.items():
        blob = store_bytes(data)
        manifest.append(ManifestEntry(path, blob.sha256, blob.size))
    source, _ = log_artifact_version(
        project=make_project(actor),
        name=f"{collection}-model",
        type_="model",
        actor=actor,
        manifest=manifest,
    )
    linked, _ = link_version(
        registry=registry, collection_name=collection, source=source, aliases=aliases, actor=actor
    )
    return linked


@pytest.fixture(autouse=True)
def _empty_body_cache():
    from registry import body_cache

    body_cache.clear()


@pytest.fixture
def zoo(registry, admin, org_admin):
    """Model/zoo: v0 holds the protected `production`, v1 holds `candidate`."""
    create_protected_alias(registry=registry, name="production", actor=org_admin)
    v0 = link_files(
        admin,
        registry,
        "zoo",
        {"MLmodel": b"flavors: {}\n", "data/weights.bin": b"\x00weights v0\xff"},
        aliases=["production"],
    )
    v1 = link_files(admin, registry, "zoo", {"MLmodel": b"v1\n"}, aliases=["candidate"])
    return v0, v1


@pytest.fixture
def http_for():
    """http_for(user): a Django test client sending a fresh API key of `user`."""

    def _for(user) -> ApiClient:
        _, raw = create_api_key(user=user, name="mlflow tests")
        return ApiClient(raw)

    return _for


@pytest.fixture
def anonymous():
    return ApiClient(None)


@pytest.fixture
def mlflow_as(live_server, monkeypatch, tmp_path):
    """mlflow_as(user): MLflow's client pointed at the live server with `user`'s key."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", live_server.url)
    monkeypatch.setenv("MLFLOW_REGISTRY_URI", live_server.url)
    # A refusal must surface at once, not after MLflow's retries with backoff (4xx are
    # never retried; one immediate retry covers a connection the server has just closed).
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "1")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "30")
    monkeypatch.chdir(tmp_path)
    # MLflow downloads a version's files in parallel threads. On SQLite the live server's
    # threads share the in-memory test database's one connection, which is not safe to use
    # from two requests at once (a file database, as in production, has one per thread):
    # one download at a time here.
    from mlflow.store.artifact.artifact_repo import ArtifactRepository

    monkeypatch.setattr(ArtifactRepository, "max_workers", property(lambda self: 1))

    from mlflow.utils import request_utils

    # MLflow keeps its HTTP sessions and their keep-alive connections for the whole
    # process, and a live-server thread blocked on one outlives the test database (and
    # fails when it finally closes). Here each request closes its connection instead.
    sessions = []
    cached = request_utils._cached_get_request_session

    def tracked(*args, **kwargs):
        session = cached(*args, **kwargs)
        session.headers["Connection"] = "close"
        sessions.append(session)
        return session

    monkeypatch.setattr(request_utils, "_cached_get_request_session", tracked)

    def _as(user):
        from mlflow import MlflowClient

        _, raw = create_api_key(user=user, name="mlflow client")
        monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", raw)
        return MlflowClient(tracking_uri=live_server.url, registry_uri=live_server.url)

    yield _as
    for session in sessions:
        session.close()
    cached.cache_clear()
    # Let the server threads of those connections finish before the database goes.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(
        "process_request_thread" in thread.name for thread in threading.enumerate()
    ):
        time.sleep(0.01)


def alias_events(collection_name: str) -> list[tuple]:
    return list(
        AliasEvent.objects.filter(collection__name=collection_name)
        .order_by("id")
        .values_list("alias", "action", "from_index", "to_index")
    )
