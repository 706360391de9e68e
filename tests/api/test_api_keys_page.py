"""The API keys page: create (shown once), list, revoke."""

from __future__ import annotations

import re

import pytest

from registry.models import ApiKey
from registry.services import api_keys
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db
URL = "/account/api-keys/"


@pytest.fixture
def signed_in(client, member):
    client.force_login(member)
    return client


def test_it_requires_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_creates_a_key_and_shows_it_once(signed_in, member):
    response = signed_in.post(URL, {"name": "laptop"})
    assert response.status_code == 200
    raw = re.search(rb'value="(reg_[^"]+)"', response.content).group(1).decode()
    assert ApiClient(raw).get("/api/v1/viewer").json()["username"] == "member"
    assert response["Cache-Control"] == "no-store"
    again = signed_in.get(URL)
    assert raw.encode() not in again.content
    key = ApiKey.objects.get(user=member)
    assert key.prefix.encode() in again.content and b"laptop" in again.content


def test_it_refuses_a_key_without_a_name(signed_in):
    response = signed_in.post(URL, {"name": "  "})
    assert response.status_code == 400
    assert b"needs a name" in response.content
    assert not ApiKey.objects.exists()


def test_it_shows_when_a_key_was_last_used(signed_in, member):
    _, raw = api_keys.create_api_key(user=member, name="ci")
    assert b"never" in signed_in.get(URL).content
    ApiClient(raw).get("/api/v1/viewer")
    assert b"never" not in signed_in.get(URL).content


def test_it_revokes_a_key(signed_in, member):
    key, raw = api_keys.create_api_key(user=member, name="ci")
    response = signed_in.post(f"{URL}{key.pk}/revoke/", follow=True)
    assert b"revoked" in response.content
    assert ApiClient(raw).get("/api/v1/viewer").status_code == 401


def test_it_does_not_revoke_another_users_key(signed_in, viewer):
    key, raw = api_keys.create_api_key(user=viewer, name="theirs")
    signed_in.post(f"{URL}{key.pk}/revoke/")
    assert ApiClient(raw).get("/api/v1/viewer").status_code == 200


def test_revoking_needs_post(signed_in, member):
    key, _ = api_keys.create_api_key(user=member, name="ci")
    assert signed_in.get(f"{URL}{key.pk}/revoke/").status_code == 405


def test_the_health_endpoint_answers_ok(client):
    response = client.get("/healthz/")
    assert response.content == b"ok"


def test_it_creates_a_scoped_key_and_lists_its_scope_and_expiry(signed_in, member, registry):
    response = signed_in.post(
        URL, {"name": "deploy", "access": "read-only", "registries": ["Model"], "expires": "30"}
    )
    assert response.status_code == 200
    key = ApiKey.objects.get(user=member)
    assert key.read_only and key.registry_ids == [registry.pk]
    assert 29 <= (key.expires_at - key.created_at).days <= 30
    page = signed_in.get(URL).content.decode()
    assert "read-only, registry Model" in page
    assert key.expires_at.strftime("%Y-%m-%d") in page
    raw = re.search(r'value="(reg_[^"]+)"', response.content.decode()).group(1)
    assert ApiClient(raw).get("/api/v1/viewer").json()["key"]["access"] == "read-only"


def test_it_marks_an_expired_key(signed_in, member):
    from datetime import timedelta

    from django.utils import timezone

    api_keys.create_api_key(user=member, name="old", expires_at=timezone.now() + timedelta(1))
    ApiKey.objects.update(expires_at=timezone.now() - timedelta(days=1))
    assert b"<strong>expired</strong>" in signed_in.get(URL).content


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("access", "admin", b"read-only or read-write"),
        ("expires", "3", b"never, or in 7, 30, 90 or 365 days"),
        ("registries", "Nope", b"no registry 'Nope' that you can see"),
    ],
)
def test_it_refuses_a_bad_scope_saying_what_is_allowed(signed_in, field, value, message):
    response = signed_in.post(URL, {"name": "x", field: value})
    assert response.status_code == 400
    assert message in response.content.replace(b"&#x27;", b"'")
    assert not ApiKey.objects.exists()
