from __future__ import annotations

import hashlib

import pytest

from registry.services.linking import link_version
from tests.factories import make_source

pytestmark = pytest.mark.django_db
URL = "/registries/Secret/vault/v0/files/weights.bin"


@pytest.fixture
def linked(restricted, org_admin):
    source = make_source(org_admin, content=b"x" * 3000)
    return link_version(
        registry=restricted, collection_name="vault", source=source, actor=org_admin
    )[0]


def test_it_streams_the_file_with_length_and_etag(as_user, viewer, linked):
    response = as_user(viewer).get(URL)
    assert response.status_code == 200
    assert response.streaming
    assert b"".join(response.streaming_content) == b"x" * 3000
    assert response["Content-Length"] == "3000"
    assert response["ETag"] == f'"{hashlib.sha256(b"x" * 3000).hexdigest()}"'
    assert 'attachment; filename="weights.bin"' == response["Content-Disposition"]


def test_it_answers_not_modified_for_a_matching_etag(as_user, viewer, linked):
    etag = f'"{hashlib.sha256(b"x" * 3000).hexdigest()}"'
    response = as_user(viewer).get(URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304


def test_it_refuses_a_restricted_viewer(as_user, restricted_viewer, linked):
    response = as_user(restricted_viewer).get(URL)
    assert response.status_code == 403
    assert "needs the Viewer role" in response.content.decode()


def test_it_hides_the_file_from_a_stranger(as_user, stranger, linked):
    assert as_user(stranger).get(URL).status_code == 404


def test_it_returns_404_for_a_missing_file(as_user, viewer, linked):
    response = as_user(viewer).get("/registries/Secret/vault/v0/files/nope.bin")
    assert response.status_code == 404


def test_it_rejects_post(as_user, viewer, linked):
    assert as_user(viewer).post(URL).status_code == 405
