from __future__ import annotations

import pytest

from tests.views.conftest import text

pytestmark = pytest.mark.django_db


def test_it_signs_in_with_the_login_form(client, member):
    response = client.post("/accounts/login/", {"username": "member", "password": "pw-secret-123"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_shows_the_error_for_a_wrong_password(client, member):
    response = client.post("/accounts/login/", {"username": "member", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in text(response)


def test_it_signs_out_with_a_post(client, member):
    client.force_login(member)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_it_shows_the_user_and_their_role_in_the_header(client, member, registry):
    client.force_login(member)
    body = client.get("/registries/Model/").content.decode()
    assert '<span class="user-name">member</span>' in body
    assert 'Member <span class="muted">in Model</span>' in body
