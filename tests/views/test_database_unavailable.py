"""A database that is down answers 503 with Retry-After (JSON under /api/), never a 500."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client

from registry.views.server_error import DATABASE_UNAVAILABLE

pytestmark = pytest.mark.django_db


def down(*args, **kwargs):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def test_the_api_answers_503_json(monkeypatch, member):
    from tests.api.conftest import client_for

    client = client_for(member)
    monkeypatch.setattr("registry.key_auth.authenticate", down)
    response = client.get("/api/v1/viewer")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {"detail": DATABASE_UNAVAILABLE}


def test_pages_answer_a_503_page(monkeypatch, member):
    client = Client(raise_request_exception=False)
    client.force_login(member)
    monkeypatch.setattr("registry.permissions.visible_registries", down)
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "The database is unavailable right now" in response.content.decode()


def test_other_errors_stay_500(monkeypatch, member):
    client = Client(raise_request_exception=False)
    client.force_login(member)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("registry.permissions.visible_registries", broken)
    assert client.get("/").status_code == 500
