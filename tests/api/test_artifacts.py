from __future__ import annotations

import hashlib

import pytest

from registry.api.errors import VALUE_NOT_STORABLE
from registry.models import ArtifactVersion, Blob, Run
from registry.storage import blob_name

pytestmark = pytest.mark.django_db


def entry(path: str, data: bytes) -> dict:
    return {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def upload(client, data: bytes):
    return client.put_bytes(f"/api/v1/blobs/{hashlib.sha256(data).hexdigest()}", data)


def test_it_creates_a_run_with_its_entity_and_project(api_for, member):
    response = api_for(member).post(
        "/api/v1/runs", {"entity": "zoo-team", "project": "zoo", "job_type": "train"}
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["entity"], body["project"], body["state"]) == ("zoo-team", "zoo", "running")
    run = Run.objects.get(run_id=body["id"])
    assert run.project.team.name == "zoo-team"


def test_it_finishes_a_run(api_for, member):
    client = api_for(member)
    run = client.post("/api/v1/runs", {"entity": "member", "project": "p"}).json()
    response = client.post(f"/api/v1/entities/member/projects/p/runs/{run['id']}/finish")
    assert response.status_code == 200
    assert response.json()["state"] == "finished"


def test_it_hides_another_entitys_run(api_for, member, viewer):
    run = api_for(member).post("/api/v1/runs", {"entity": "team-a", "project": "p"}).json()
    response = api_for(viewer).post(f"/api/v1/entities/team-a/projects/p/runs/{run['id']}/finish")
    assert response.status_code == 403
    assert "not a member of entity 'team-a'" in response.json()["detail"]


def test_it_lists_only_missing_blobs(api_for, member):
    client = api_for(member)
    upload(client, b"have")
    response = client.post(
        "/api/v1/blobs/missing", {"files": [entry("a", b"have"), entry("b", b"lack!")]}
    )
    assert response.status_code == 200
    assert response.json() == {
        "missing": [hashlib.sha256(b"lack!").hexdigest()],
        "missing_bytes": 5,
    }


def test_it_stores_an_uploaded_blob(api_for, member, settings):
    response = upload(api_for(member), b"weights")
    digest = hashlib.sha256(b"weights").hexdigest()
    assert response.status_code == 201
    assert response.json() == {"sha256": digest, "size": 7}
    assert (settings.MEDIA_ROOT / blob_name(digest)).read_bytes() == b"weights"


def test_it_refuses_bytes_that_do_not_match_the_digest(api_for, member, settings):
    digest = hashlib.sha256(b"the real file").hexdigest()
    response = api_for(member).put_bytes(f"/api/v1/blobs/{digest}", b"corrupted bytes")
    assert response.status_code == 400
    assert "nothing was stored" in response.json()["detail"]
    assert not Blob.objects.exists()
    assert not (settings.MEDIA_ROOT / blob_name(digest)).exists()


def test_it_refuses_a_malformed_digest(api_for, member):
    response = api_for(member).put_bytes("/api/v1/blobs/not-a-digest", b"x")
    assert response.status_code == 400
    assert "64 lowercase hexadecimal" in response.json()["detail"]


def test_it_refuses_blob_uploads_without_a_key(anonymous):
    assert upload(anonymous, b"x").status_code == 401


def test_it_commits_a_version_and_returns_the_same_one_for_identical_content(api_for, member):
    client = api_for(member)
    upload(client, b"one")
    run = client.post("/api/v1/runs", {"entity": "member", "project": "p"}).json()
    body = {
        "name": "zoo",
        "type": "model",
        "metadata": {"acc": 0.9},
        "files": [entry("model.pt", b"one")],
        "run_id": run["id"],
    }
    first = client.post("/api/v1/entities/member/projects/p/artifacts", body)
    assert first.status_code == 201, first.content
    assert first.json()["version"] == "v0"
    again = client.post("/api/v1/entities/member/projects/p/artifacts", body)
    assert again.status_code == 200
    assert again.json()["version"] == "v0" and again.json()["created"] is False
    assert ArtifactVersion.objects.count() == 1


def test_it_refuses_to_commit_before_the_blobs_are_uploaded(api_for, member):
    response = api_for(member).post(
        "/api/v1/entities/member/projects/p/artifacts",
        {"name": "zoo", "type": "model", "files": [entry("m", b"never uploaded")]},
    )
    assert response.status_code == 400
    assert "have not been uploaded yet" in response.json()["detail"]
    assert not ArtifactVersion.objects.exists()


@pytest.mark.parametrize("path", ["../etc/passwd", "C:\\Windows\\win.ini", "\\\\srv\\share\\x"])
def test_it_refuses_a_path_that_escapes_the_artifact(api_for, member, path):
    client = api_for(member)
    upload(client, b"x")
    response = client.post(
        "/api/v1/entities/member/projects/p/artifacts",
        {"name": "zoo", "type": "model", "files": [entry(path, b"x")]},
    )
    assert response.status_code == 400
    assert "not a valid file path" in response.json()["detail"]
    assert not ArtifactVersion.objects.exists()


def test_missing_blobs_refuses_a_boolean_size(api_for, member):
    response = api_for(member).post(
        "/api/v1/blobs/missing", {"files": [{"path": "a", "sha256": "a" * 64, "size": False}]}
    )
    assert response.status_code == 400
    assert "'files.0.size'" in response.json()["detail"]


def test_it_names_the_field_in_validation_errors(api_for, member):
    response = api_for(member).post(
        "/api/v1/entities/member/projects/p/artifacts", {"name": "zoo", "files": "nope"}
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "'type': is required" in detail
    assert "'files'" in detail


def test_it_explains_a_body_that_is_not_json(api_for, member):
    client = api_for(member)
    response = client.client.post(
        "/api/v1/runs", data="{not json", content_type="application/json", headers=client.headers
    )
    assert response.status_code == 400
    assert "send a JSON object" in response.json()["detail"]


def test_it_refuses_a_name_with_a_nul_character(api_for, member):
    response = api_for(member).post("/api/v1/runs", {"entity": "member", "project": "p\x00q"})
    assert response.status_code == 400
    assert "is not a valid project name" in response.json()["detail"]


def test_free_text_the_database_cannot_store_is_a_400(api_for, member, is_postgres):
    client = api_for(member)
    upload(client, b"x")
    response = client.post(
        "/api/v1/entities/member/projects/p/artifacts",
        {"name": "zoo", "type": "model", "description": "a\x00b", "files": [entry("m", b"x")]},
    )
    if is_postgres:  # PostgreSQL text cannot hold NUL; SQLite can
        assert response.status_code == 400
        assert response.json()["detail"] == VALUE_NOT_STORABLE
        assert not ArtifactVersion.objects.exists()
    else:
        assert response.status_code == 201
