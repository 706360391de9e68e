from __future__ import annotations

import pytest

from registry.models import Collection, Registry
from tests.factories import link_new

pytestmark = pytest.mark.django_db


def test_it_lists_visible_registries_with_the_role(api_for, viewer, restricted):
    body = api_for(viewer).get("/api/v1/registries").json()
    roles = {r["name"]: r["role"] for r in body}
    assert roles == {"Dataset": "viewer", "Model": "viewer", "Secret": "viewer"}


def test_it_hides_restricted_registries_from_the_list(api_for, stranger, restricted):
    names = [r["name"] for r in api_for(stranger).get("/api/v1/registries").json()]
    assert "Secret" not in names and "Model" in names


def test_it_gets_a_registry_case_insensitively(api_for, viewer, registry):
    body = api_for(viewer).get("/api/v1/registries/model").json()
    assert (body["name"], body["accepted_types"]) == ("Model", ["model"])


def test_it_answers_404_for_a_restricted_registry_to_a_stranger(api_for, stranger, restricted):
    response = api_for(stranger).get("/api/v1/registries/Secret")
    assert response.status_code == 404


def test_only_org_admins_create_registries(api_for, org_admin, admin):
    body = {"name": "Vision", "visibility": "restricted", "accepted_types": ["model"]}
    refused = api_for(admin).post("/api/v1/registries", body)
    assert refused.status_code == 403
    assert "organization admin" in refused.json()["detail"]
    created = api_for(org_admin).post("/api/v1/registries", body)
    assert created.status_code == 201
    assert Registry.objects.get(name="Vision").visibility == "restricted"
    again = api_for(org_admin).post("/api/v1/registries", body)
    assert again.status_code == 409


def test_it_refuses_an_unknown_visibility(api_for, org_admin):
    response = api_for(org_admin).post("/api/v1/registries", {"name": "X", "visibility": "public"})
    assert response.status_code == 400
    assert "public" in response.json()["detail"]


def test_it_creates_a_collection_with_tags(api_for, member, registry):
    response = api_for(member).post(
        "/api/v1/registries/Model/collections",
        {"name": "zoo", "type": "model", "description": "animals", "tags": ["vision"]},
    )
    assert response.status_code == 201
    body = response.json()
    assert body.pop("created_at") <= body.pop("updated_at")
    assert body == {
        "registry": "Model",
        "name": "zoo",
        "type": "model",
        "description": "animals",
        "tags": ["vision"],
        "version_count": 0,
    }


def test_it_refuses_a_collection_by_a_viewer(api_for, viewer, registry):
    response = api_for(viewer).post(
        "/api/v1/registries/Model/collections", {"name": "zoo", "type": "model"}
    )
    assert response.status_code == 403
    assert not Collection.objects.exists()


def test_it_refuses_a_duplicate_collection(api_for, member, registry):
    link_new(member, registry)
    response = api_for(member).post(
        "/api/v1/registries/Model/collections", {"name": "ZOO", "type": "model"}
    )
    assert response.status_code == 409


def test_it_refuses_a_bad_collection_name(api_for, member, registry):
    response = api_for(member).post(
        "/api/v1/registries/Model/collections", {"name": "a/b c", "type": "model"}
    )
    assert response.status_code == 400
    assert "not a valid collection name" in response.json()["detail"]


def test_it_lists_and_gets_collections(api_for, restricted_viewer, registry, member):
    link_new(member, registry)
    client = api_for(restricted_viewer)
    assert [c["name"] for c in client.get("/api/v1/registries/Model/collections").json()] == ["zoo"]
    assert client.get("/api/v1/registries/Model/collections/zoo").json()["version_count"] == 1
    missing = client.get("/api/v1/registries/Model/collections/nope")
    assert missing.status_code == 404


def test_it_edits_the_description_and_tags(api_for, member, registry):
    link_new(member, registry)
    client = api_for(member)
    url = "/api/v1/registries/Model/collections/zoo"
    assert client.patch(url, {"description": "new"}).json()["description"] == "new"
    assert client.post(f"{url}/tags", {"names": ["a", "b"]}).json()["tags"] == ["a", "b"]
    assert client.delete(f"{url}/tags/a").json()["tags"] == ["b"]
    assert client.delete(f"{url}/tags/a").status_code == 404


def test_a_viewer_cannot_edit_a_collection(api_for, viewer, registry, member):
    link_new(member, registry)
    response = api_for(viewer).patch(
        "/api/v1/registries/Model/collections/zoo", {"description": "x"}
    )
    assert response.status_code == 403
    assert "needs the Member role" in response.json()["detail"]


def test_it_deletes_a_collection(api_for, member, registry):
    link_new(member, registry)
    response = api_for(member).delete("/api/v1/registries/Model/collections/zoo")
    assert response.status_code == 204
    assert not Collection.objects.exists()
