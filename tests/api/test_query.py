"""The Registry query API: filters as a query parameter or a body, pages, visibility."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from registry.services.tags import add_version_tags
from tests.factories import link_new

pytestmark = pytest.mark.django_db


def param(filter) -> str:
    return quote(json.dumps(filter))


@pytest.fixture
def linked(registry, restricted, admin):
    zoo = [link_new(admin, registry, "zoo", aliases=[a]) for a in ("staging", "production")]
    add_version_tags(version=zoo[1], names=["prod"], actor=admin)
    secret = link_new(admin, restricted, "hidden", aliases=["production"])
    return zoo, secret


def test_it_finds_registries_by_regex(api_for, viewer, restricted):
    body = api_for(viewer).get(
        f"/api/v1/query/registries?filter={param({'name': {'$regex': '^[MS]'}})}"
    )
    assert [r["name"] for r in body.json()["items"]] == ["Model", "Secret"]
    assert body.json()["next_cursor"] is None


def test_it_never_matches_a_restricted_registry_for_a_stranger(api_for, stranger, linked):
    client = api_for(stranger)
    registries = client.get(f"/api/v1/query/registries?filter={param({'name': 'Secret'})}")
    assert registries.json()["items"] == []
    collections = client.get(f"/api/v1/query/collections?filter={param({'name': 'hidden'})}")
    assert collections.json()["items"] == []
    versions = client.post("/api/v1/query/versions", {"filter": {"alias": "production"}})
    assert [(v["registry"], v["collection"]) for v in versions.json()["items"]] == [
        ("Model", "zoo")
    ]


def test_it_narrows_versions_by_registry_and_collection(api_for, viewer, linked):
    body = (
        api_for(viewer)
        .post(
            "/api/v1/query/versions",
            {
                "registry_filter": {"name": "wandb-registry-Secret"},
                "collection_filter": {"name": {"$in": ["hidden", "zoo"]}},
                "filter": {"alias": {"$regex": "^prod"}},
            },
        )
        .json()
    )
    [found] = body["items"]
    assert (found["registry"], found["collection"], found["version"]) == ("Secret", "hidden", "v0")
    assert {"name": "production", "kind": "custom"} in found["aliases"]


def test_it_answers_versions_with_tags_metadata_and_source(api_for, viewer, linked):
    body = (
        api_for(viewer)
        .get(
            f"/api/v1/query/versions?filter={param({'tag': 'prod'})}"
            f"&registry_filter={param({'name': 'Model'})}"
        )
        .json()
    )
    [found] = body["items"]
    assert (found["version"], found["tags"], found["metadata"]) == ("v1", ["prod"], {})
    assert found["source"]["artifact"] == "zoo-model"
    assert [c["name"] for c in found["aliases"]] == ["production", "latest", "v1"]


def test_it_pages_with_a_cursor(api_for, viewer, registry, admin):
    for index in range(5):
        link_new(admin, registry, f"c{index}")
    client = api_for(viewer)
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/query/collections?per_page=2" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url).json()
        seen += [c["name"] for c in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == [f"c{i}" for i in range(5)]
    assert pages == 3


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/api/v1/query/registries?filter=%7Bname", "'filter' is not valid JSON"),
        ("/api/v1/query/registries?filter=%5B%5D", "'filter' must be a JSON object"),
        (f"/api/v1/query/registries?filter={param({'tag': 'x'})}", "Unknown field 'tag'"),
        (f"/api/v1/query/versions?filter={param({'alias': {'$size': 1}})}", "'$size'"),
        ("/api/v1/query/registries?cursor=abc", "'abc' is not a cursor"),
        ("/api/v1/query/registries?per_page=1000", "per_page"),
        (f"/api/v1/query/registries?registry_filter={param({})}", "does not apply"),
    ],
)
def test_it_refuses_a_bad_query_naming_the_problem(api_for, viewer, registry, url, detail):
    response = api_for(viewer).get(url)
    assert response.status_code == 400
    assert detail in response.json()["detail"]


def test_it_refuses_a_bad_body_filter(api_for, viewer, registry):
    response = api_for(viewer).post("/api/v1/query/versions", {"filter": {"$where": "1"}})
    assert response.status_code == 400
    assert "allowed there: $and, $or, $nor, $not" in response.json()["detail"]


def test_registry_admins_update_description_and_types(api_for, admin, member, registry):
    refused = api_for(member).patch("/api/v1/registries/Model", {"description": "x"})
    assert refused.status_code == 403
    body = (
        api_for(admin)
        .patch(
            "/api/v1/registries/Model",
            {"description": "Production models", "accepted_types": ["model", "dataset"]},
        )
        .json()
    )
    assert (body["description"], body["accepted_types"]) == (
        "Production models",
        ["model", "dataset"],
    )
    dropped = api_for(admin).patch("/api/v1/registries/Model", {"accepted_types": ["dataset"]})
    assert dropped.status_code == 400
    assert "can only be added" in dropped.json()["detail"]


def test_the_query_api_is_in_the_openapi_schema(api_for, viewer):
    paths = api_for(viewer).get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/query/versions"])
    assert "patch" in paths["/api/v1/registries/{registry}"]
