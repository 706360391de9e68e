"""Repeated bad API keys from one address get 429 with Retry-After; good keys still work."""

from __future__ import annotations

import pytest
from django.test import Client

from registry.api.auth import BAD_KEY
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db


def bad(client: Client):
    return client.get("/api/v1/viewer", headers={"Authorization": "Bearer reg_not-a-real-key"})


def test_it_answers_429_after_the_limit_of_bad_keys(settings, member):
    settings.REGISTRY_API_MAX_BAD_KEYS = 3
    settings.REGISTRY_API_BAD_KEY_LOCKOUT = 120
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(2):
        response = bad(guesser)
        assert response.status_code == 401
        assert response.json() == {"detail": BAD_KEY}
    refused = bad(guesser)
    assert refused.status_code == 429
    assert 110 <= int(refused["Retry-After"]) <= 120
    assert "Too many requests with a bad API key from your address" in refused.json()["detail"]
    assert bad(guesser).status_code == 429
    # A good key from the same address keeps working; other addresses are not affected.
    good = client_for(member)
    good.client = Client(REMOTE_ADDR="203.0.113.9")
    assert good.get("/api/v1/viewer").status_code == 200
    assert bad(Client(REMOTE_ADDR="198.51.100.2")).status_code == 401


def test_requests_without_a_key_are_not_counted(settings):
    settings.REGISTRY_API_MAX_BAD_KEYS = 1
    anonymous = Client(REMOTE_ADDR="203.0.113.10")
    for _ in range(3):
        assert anonymous.get("/api/v1/viewer").status_code == 401
