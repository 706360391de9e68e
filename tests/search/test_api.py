"""GET /api/v1/search?q=&page= — the same search, paginated JSON."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import link_new


def test_it_refuses_anonymous_callers(client, catalogue):
    response = client.get("/api/v1/search?q=production")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_it_returns_hits_with_what_matched_and_their_aliases(client, catalogue, stranger):
    client.force_login(stranger)
    body = client.get("/api/v1/search?q=production").json()
    assert body["query"] == "production"
    assert (body["page"], body["per_page"], body["count"], body["hint"]) == (1, 20, 4, None)
    assert body["results"][0] == {
        "kind": "version",
        "registry": "Model",
        "collection": "resnet-vision",
        "version": "v0",
        "name": "Model/resnet-vision:v0",
        "url": "/registries/Model/resnet-vision/v0/",
        "matched": {"field": "alias", "value": "production", "kind": "exact"},
        "aliases": [
            {"name": "production", "kind": "protected"},
            {"name": "v0", "kind": "default"},
        ],
    }
    assert [r["matched"]["kind"] for r in body["results"]] == [
        "exact",
        "exact",
        "prefix",
        "substring",
    ]


def test_it_lists_registries_then_collections_then_versions(client, catalogue, stranger):
    client.force_login(stranger)
    body = client.get("/api/v1/search?q=zoo").json()
    assert [(r["kind"], r["name"]) for r in body["results"]] == [
        ("collection", "Model/zoo"),
    ]
    body = client.get("/api/v1/search?q=model").json()
    assert body["results"][0]["kind"] == "registry"
    assert body["results"][0]["url"] == "/registries/Model/"


def test_it_paginates(client, catalogue, stranger, org_admin):
    for i in range(25):
        link_new(org_admin, catalogue.model, f"line-{i:02d}", aliases=[f"production-{i:02d}"])
    client.force_login(stranger)
    first = client.get("/api/v1/search?q=production").json()
    second = client.get("/api/v1/search?q=production&page=2").json()
    assert first["count"] == second["count"] == 29
    assert len(first["results"]) == 20 and len(second["results"]) == 9
    names = [r["name"] for r in first["results"] + second["results"]]
    assert len(set(names)) == 29
    assert client.get("/api/v1/search?q=production&page=3").json()["results"] == []


def test_it_gives_the_hint_for_short_queries_and_unknown_filters(client, catalogue, stranger):
    client.force_login(stranger)
    body = client.get("/api/v1/search?q=p").json()
    assert body["results"] == [] and body["count"] == 0
    assert "at least 2 characters" in body["hint"]
    body = client.get("/api/v1/search?q=kind:model").json()
    assert body["hint"] == (
        "Unknown filter 'kind:'. Filters: alias:, tag:, type:, registry:, collection:. "
        "A version's path works too: registry/collection:alias (for example Model/zoo:production)."
    )


def test_a_restricted_registry_never_leaks_through_the_api(client, catalogue, stranger, member):
    client.force_login(stranger)
    for q in ["hush-hush", "secret", "production", "alias:production", "registry:Secret"]:
        body = client.get("/api/v1/search", {"q": q}).json()
        assert "Secret" not in str(body["results"]) and "secret" not in str(body["results"])
    assert client.get("/api/v1/search?q=alias:production").json()["count"] == 2
    client.force_login(member)
    assert client.get("/api/v1/search?q=alias:production").json()["count"] == 3


def test_its_query_count_does_not_grow_with_the_hits(client, catalogue, stranger, org_admin):
    client.force_login(stranger)
    client.get("/api/v1/search?q=production")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/search?q=production")
    for i in range(20):
        link_new(org_admin, catalogue.model, f"line-{i}", aliases=[f"production-{i}"])
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/search?q=production").json()["results"]) == 20
    assert len(many.captured_queries) <= len(few.captured_queries)
