"""Shared content for the page tests: a `zoo` collection in Model and in Secret."""

from __future__ import annotations

import pytest

from registry.services import registries
from tests.factories import link_new

HTMX = {"HTTP_HX_REQUEST": "true"}


def htmx(target: str | None = None) -> dict:
    headers = dict(HTMX)
    if target:
        headers["HTTP_HX_TARGET"] = target
    return headers


@pytest.fixture
def zoo(registry, org_admin):
    """Model/zoo with v0 (best_model), v1 (production, protected), v2 (latest)."""
    registries.create_protected_alias(registry=registry, name="production", actor=org_admin)
    v0 = link_new(org_admin, registry, "zoo", aliases=["best_model"])
    v1 = link_new(org_admin, registry, "zoo", aliases=["production"])
    v2 = link_new(org_admin, registry, "zoo")
    return {"collection": v0.collection, "versions": [v0, v1, v2]}


@pytest.fixture
def secret_zoo(restricted, org_admin):
    v0 = link_new(org_admin, restricted, "vault", aliases=["candidate"])
    return v0


@pytest.fixture
def as_user(client):
    def _as(user):
        client.force_login(user)
        return client

    return _as
