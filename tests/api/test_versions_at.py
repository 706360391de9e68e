"""GET …/versions/{ref}?at=: the version a reference named at a moment, from the history."""

from __future__ import annotations

import pytest
from django.test import Client

from registry.api.auth import BAD_KEY
from registry.services.aliases import add_alias
from registry.services.linking import unlink_version
from tests.api.conftest import ApiClient
from tests.factories import link_new

pytestmark = pytest.mark.django_db
ZOO = "/api/v1/registries/Model/collections/zoo/versions"


@pytest.fixture
def moved(registry, member, clock):
    """production on v0 from 00:00, moved to v1 at 01:00; v0 unlinked at 02:00."""
    v0 = link_new(member, registry, aliases=["production"])
    clock.advance(hours=1)
    v1 = link_new(member, registry)
    add_alias(version=v1, name="production", actor=member)
    clock.advance(hours=1)
    unlink_version(version=v0, actor=member)
    return v1


def test_it_answers_the_version_an_alias_was_on_then(api_for, viewer, moved):
    client = api_for(viewer)
    body = client.get(f"{ZOO}/production?at=2026-11-01T01:30:00Z").json()
    assert (body["version"], body["aliases"][0]) == ("v1", {"name": "production", "kind": "custom"})
    assert client.get(f"{ZOO}/latest?at=2026-11-01T01:00Z").json()["version"] == "v1"
    assert client.get(f"{ZOO}/v1?at=2026-11-01T03:00:00%2B01:00").json()["version"] == "v1"


def test_it_says_when_the_version_held_then_was_unlinked(api_for, viewer, moved):
    response = api_for(viewer).get(f"{ZOO}/production?at=2026-11-01T00:30:00Z")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "'production' was v0 of 'zoo' at 2026-11-01T00:30:00Z, but v0 has since "
        "been unlinked."
    }


def test_it_says_when_the_alias_first_appeared(api_for, viewer, moved):
    response = api_for(viewer).get(f"{ZOO}/production?at=2026-10-31T23:00:00Z")
    assert response.status_code == 404
    assert response.json()["detail"] == (
        "'production' was not an alias in 'zoo' at 2026-10-31T23:00:00Z; it first appeared at "
        "2026-11-01T00:00:00Z (on v0)."
    )


def test_it_refuses_a_time_it_cannot_read(api_for, viewer, moved):
    response = api_for(viewer).get(f"{ZOO}/production?at=last%20tuesday")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("'last tuesday' is not an RFC 3339 time")


def test_an_etag_answers_304_at_a_moment_too(api_for, viewer, moved):
    client = api_for(viewer)
    url = f"{ZOO}/production?at=2026-11-01T01:30:00Z"
    etag = client.get(url)["ETag"]
    assert client.get(url, **{"If-None-Match": etag}).status_code == 304


def test_it_works_for_a_signed_in_browser(viewer, moved):
    client = Client()
    client.force_login(viewer)
    response = client.get(f"{ZOO}/production?at=2026-11-01T01:30:00Z")
    assert response.json()["version"] == "v1"


def test_it_hides_a_restricted_registry_from_a_stranger(api_for, stranger, restricted, member):
    link_new(member, restricted, aliases=["production"])
    url = "/api/v1/registries/Secret/collections/zoo/versions/production?at=2026-11-01T01:00Z"
    response = api_for(stranger).get(url)
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Registry 'Secret' does not exist or you do not have access to it."
    }


def test_it_refuses_a_bad_key(moved):
    response = ApiClient("reg_not-a-key").get(f"{ZOO}/production?at=2026-11-01T01:00Z")
    assert response.status_code == 401
    assert response.json() == {"detail": BAD_KEY}
