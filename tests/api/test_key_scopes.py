"""Scoped API keys: read-only keys change nothing, registry-limited keys reach only their
registries, expired keys stop; every refusal names the key's scope."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from registry.key_scopes import KEY_READ_ONLY
from registry.models import Alias, ApiKey, Registry
from registry.services import api_keys
from tests.api.conftest import ApiClient
from tests.factories import link_new

pytestmark = pytest.mark.django_db
ZOO = "/api/v1/registries/Model/collections/zoo"


def key_for(user, **scope) -> ApiClient:
    _, raw = api_keys.create_api_key(user=user, name="deploy", **scope)
    return ApiClient(raw)


@pytest.fixture
def zoo(registry, admin):
    return link_new(admin, registry, "zoo", aliases=["production"])


def test_a_read_only_key_reads_and_polls_but_cannot_move_an_alias(admin, zoo):
    client = key_for(admin, read_only=True)
    resolved = client.get(f"{ZOO}/versions/production")
    assert resolved.status_code == 200
    assert client.get(f"{ZOO}/versions/v0/files/weights.bin").status_code in (200, 404)
    moved = client.post(f"{ZOO}/versions/v0/aliases", {"name": "staging"})
    assert moved.status_code == 403
    assert moved.json()["detail"] == KEY_READ_ONLY.format(
        action="Changing alias 'staging'", key="deploy"
    )
    assert not Alias.objects.filter(name="staging").exists()
    removed = client.delete(f"{ZOO}/versions/v0/aliases/production")
    assert removed.status_code == 403 and "is read-only" in removed.json()["detail"]


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/api/v1/runs", {"entity": "admin", "project": "p"}),
        ("post", "/api/v1/registries", {"name": "New"}),
        ("post", f"{ZOO}/tags", {"names": ["best"]}),
        ("patch", ZOO, {"description": "changed"}),
        ("delete", f"{ZOO}/versions/v0", None),
    ],
)
def test_a_read_only_key_is_refused_every_write(admin, zoo, method, url, body):
    client = key_for(admin, read_only=True)
    response = getattr(client, method)(url, body) if body else getattr(client, method)(url)
    assert response.status_code == 403, response.content
    assert "read-only" in response.json()["detail"]
    assert "deploy" in response.json()["detail"]


def test_a_read_only_key_cannot_upload_blobs(member):
    data = b"payload"
    response = key_for(member, read_only=True).put_bytes(
        f"/api/v1/blobs/{hashlib.sha256(data).hexdigest()}", data
    )
    assert response.status_code == 403
    assert response.json()["detail"] == KEY_READ_ONLY.format(action="Uploading files", key="deploy")


def test_a_key_limited_to_a_registry_does_not_reach_others(admin, registry, zoo):
    dataset = Registry.objects.get(name="Dataset")
    client = key_for(admin, registries=[dataset])
    refused = client.get(f"{ZOO}/versions/production")
    assert refused.status_code == 404
    assert refused.json()["detail"].startswith(
        "Registry 'Model' is outside this API key's scope: key 'deploy' is limited to "
        "registry Dataset."
    )
    listed = [r["name"] for r in client.get("/api/v1/registries").json()]
    assert listed == ["Dataset"]
    assert client.get("/api/v1/registries/Dataset").status_code == 200
    assert key_for(admin).get("/api/v1/search?q=zoo").json()["count"] >= 1
    assert client.get("/api/v1/search?q=zoo").json()["count"] == 0


def test_a_limited_key_still_hides_registries_its_owner_cannot_see(stranger, restricted):
    dataset = Registry.objects.get(name="Dataset")
    refused = key_for(stranger, registries=[dataset]).get("/api/v1/registries/Secret")
    assert refused.status_code == 404
    assert refused.json()["detail"] == (
        "Registry 'Secret' does not exist or you do not have access to it."
    )


def test_a_read_write_key_limited_to_a_registry_writes_there(admin, registry, zoo):
    client = key_for(admin, registries=[registry])
    moved = client.post(f"{ZOO}/versions/v0/aliases", {"name": "staging"})
    assert moved.status_code in (200, 201), moved.content
    created = client.post("/api/v1/registries", {"name": "Other"})
    assert created.status_code == 403
    assert "registry Model" in created.json()["detail"]


def test_an_expired_key_stops_working(member):
    client = key_for(member, expires_at=timezone.now() + timedelta(days=1))
    assert client.get("/api/v1/viewer").status_code == 200
    ApiKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    refused = client.get("/api/v1/viewer")
    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"]


def test_the_viewer_endpoint_shows_the_key_scope_and_expiry(admin, registry):
    expires = timezone.now() + timedelta(days=30)
    me = key_for(admin, read_only=True, registries=[registry], expires_at=expires)
    key = me.get("/api/v1/viewer").json()["key"]
    assert key["name"] == "deploy"
    assert key["access"] == "read-only"
    assert key["registries"] == ["Model"]
    assert key["expires_at"].startswith(expires.strftime("%Y-%m-%dT%H:%M"))
    plain = key_for(admin).get("/api/v1/viewer").json()["key"]
    assert plain == {
        "name": "deploy",
        "access": "read-write",
        "registries": None,
        "expires_at": None,
    }


def test_a_session_has_no_key_scope(client, member):
    client.force_login(member)
    assert client.get("/api/v1/viewer").json()["key"] is None


def test_it_refuses_an_expiry_in_the_past_and_an_empty_registry_list(member):
    from registry.errors import Invalid

    with pytest.raises(Invalid, match="must be in the future"):
        api_keys.create_api_key(
            user=member, name="x", expires_at=timezone.now() - timedelta(days=1)
        )
    with pytest.raises(Invalid, match="needs at least one registry"):
        api_keys.create_api_key(user=member, name="x", registries=[])


def test_a_key_cannot_be_limited_to_a_registry_its_owner_cannot_see(stranger, restricted):
    from registry.errors import NotFound

    with pytest.raises(NotFound):
        api_keys.create_api_key(user=stranger, name="x", registries=[restricted])


def test_the_resolve_poll_reads_every_fact_of_its_key(admin, registry, zoo):
    """Resolve reads the key in its own statement (as one JSON object): its scope, its
    expiry and its last use must come out as the key's own checks read them."""
    soon = timezone.now() + timedelta(hours=1)
    client = key_for(admin, registries=[registry], read_only=True, expires_at=soon)
    assert client.get(f"{ZOO}/versions/production").status_code == 200
    key = ApiKey.objects.get(name="deploy")
    stamped = key.last_used_at
    assert stamped is not None
    assert client.get(f"{ZOO}/versions/production").status_code == 200
    assert ApiKey.objects.get(pk=key.pk).last_used_at == stamped  # once a minute at most
    elsewhere = key_for(admin, registries=[Registry.objects.get(name="Dataset")])
    assert elsewhere.get(f"{ZOO}/versions/production").status_code == 404
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"{ZOO}/versions/production").status_code == 401
