from __future__ import annotations

import pytest
from django.test import Client

from registry.api.auth import BAD_KEY, CSRF_FAILED, NO_CREDENTIALS
from registry.models import ApiKey
from registry.services.api_keys import create_api_key, revoke_api_key
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_it_refuses_requests_without_a_key(anonymous):
    response = anonymous.get("/api/v1/registries")
    assert response.status_code == 401
    assert response.json() == {"detail": NO_CREDENTIALS}


def test_it_refuses_an_unknown_key(registry):
    response = ApiClient("reg_not-a-real-key").get("/api/v1/registries")
    assert response.status_code == 401
    assert response.json() == {"detail": BAD_KEY}


def test_it_refuses_a_revoked_key(member):
    key, raw = create_api_key(user=member, name="ci")
    revoke_api_key(user=member, key_id=key.pk)
    assert ApiClient(raw).get("/api/v1/viewer").status_code == 401


def test_it_refuses_a_key_of_an_inactive_user(member):
    _, raw = create_api_key(user=member, name="ci")
    member.is_active = False
    member.save()
    assert ApiClient(raw).get("/api/v1/viewer").status_code == 401


def test_it_accepts_a_key_and_records_last_use(member):
    key, raw = create_api_key(user=member, name="ci")
    response = ApiClient(raw).get("/api/v1/viewer")
    assert response.status_code == 200
    assert response.json() == {
        "username": "member",
        "is_org_admin": False,
        "key": {"name": "ci", "access": "read-write", "registries": None, "expires_at": None},
    }
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_it_stores_only_a_hash_of_the_key(member):
    key, raw = create_api_key(user=member, name="ci")
    stored = ApiKey.objects.get(pk=key.pk)
    assert raw not in (stored.key_hash, stored.prefix)
    assert raw.startswith(stored.prefix)


def test_it_accepts_the_browser_session_for_reads(member):
    client = Client()
    client.force_login(member)
    assert client.get("/api/v1/viewer").json()["username"] == "member"


def test_it_requires_csrf_for_session_writes(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post("/api/v1/runs", data={}, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"detail": CSRF_FAILED}


def test_it_accepts_session_writes_with_the_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get("/account/api-keys/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/runs",
        data={"entity": "member", "project": "p"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201, response.content
