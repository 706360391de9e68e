"""The OpenAPI schema documents every route, and the docs page is served locally."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import get_resolver

pytestmark = pytest.mark.django_db


def api_routes() -> set[str]:
    """Every /api/v1/ URL pattern Django would dispatch, in OpenAPI's {param} notation."""
    routes = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, route)
            elif route.startswith("api/v1/"):
                routes.add("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))

    walk(get_resolver().url_patterns, "")
    # Not operations: the root, the schema, the docs page, the JSON 404 for unknown paths.
    return routes - {"/api/v1/", "/api/v1/openapi.json", "/api/v1/docs", "/api/v1/{rest}"}


def test_every_route_is_documented(client):
    schema = client.get("/api/v1/openapi.json").json()
    documented = set(schema["paths"])
    assert len(api_routes()) >= 15
    assert api_routes() <= documented
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method} {path} has no summary"
            statuses = set(operation["responses"])
            assert "401" in statuses, f"{method} {path} does not document 401"


def test_the_schema_declares_bearer_auth(client):
    schema = client.get("/api/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_the_docs_page_uses_the_bundled_swagger_ui(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"cdn.jsdelivr" not in response.content


def test_the_schema_declares_the_patterns_the_server_enforces(client):
    from registry import names
    from registry.storage import SHA256_RE

    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    file_in = components["FileIn"]["properties"]
    assert file_in["sha256"]["pattern"] == SHA256_RE.pattern
    assert components["AliasIn"]["properties"]["name"]["pattern"] == names.ALIAS_RE.pattern
    assert components["RegistryIn"]["properties"]["name"]["pattern"] == (
        names.REGISTRY_NAME_RE.pattern
    )
    assert components["CollectionIn"]["properties"]["name"]["pattern"] == names.NAME_RE.pattern
    assert components["TagsIn"]["properties"]["names"]["items"]["pattern"] == names.TAG_RE.pattern
    assert components["LinkIn"]["properties"]["aliases"]["items"]["pattern"] == (
        names.ALIAS_RE.pattern
    )


def _refuse_duplicate_keys(pairs):
    keys = [key for key, _ in pairs]
    duplicated = sorted({key for key in keys if keys.count(key) > 1})
    assert not duplicated, f"duplicated keys {duplicated} in an object of the schema"
    return dict(pairs)


def test_the_schema_has_no_duplicated_keys(client):
    # Swagger UI refuses a schema with a key given twice ("duplicated mapping key"), while
    # json.loads would silently keep the last one.
    response = client.get("/api/v1/openapi.json")
    schema = json.loads(response.content, object_pairs_hook=_refuse_duplicate_keys)
    download = schema["paths"][
        "/api/v1/registries/{registry}/collections/{collection}/versions/{ref}/files/{path}"
    ]
    ok = download["get"]["responses"]["200"]
    assert "application/octet-stream" in ok["content"]


def test_the_docs_page_declares_its_language(client):
    response = client.get("/api/v1/docs")
    assert b'<html lang="en">' in response.content


def test_every_path_parameter_declares_its_rule(client):
    """Names in paths follow the same rules as in bodies; only a file's path is free-form."""
    from registry import names

    expected = {
        "registry": names.REGISTRY_NAME_RE.pattern,
        "collection": names.NAME_RE.pattern,
        "entity": names.NAME_RE.pattern,
        "project": names.NAME_RE.pattern,
        "ref": names.ALIAS_RE.pattern,
        "alias": names.ALIAS_RE.pattern,
        "tag": names.TAG_RE.pattern,
    }
    seen = set()
    for path, operations in client.get("/api/v1/openapi.json").json()["paths"].items():
        for method, operation in operations.items():
            for param in operation.get("parameters", []):
                if param["in"] != "path" or param["name"] in {"path", "run_id", "name", "kind"}:
                    continue
                if param["schema"].get("type") == "integer":
                    continue
                if param["name"] == "fmt":
                    assert set(param["schema"]["enum"]) == {"csv", "jsonl"}, path
                    continue
                schema = param["schema"]
                where = f"{method} {path} {param['name']}"
                assert "maxLength" in schema, where
                if param["name"] in expected:
                    assert schema["pattern"] == expected[param["name"]], where
                else:
                    assert "pattern" in schema, where
                seen.add(param["name"])
    assert set(expected) | {"sha256"} <= seen


@pytest.mark.parametrize(
    "url, rule",
    [
        ("/api/v1/registries/bad%20name", "registry names are 1-113"),
        ("/api/v1/registries/Model/collections/" + "a" * 129, "names are 1-128"),
        (
            "/api/v1/registries/Model/collections/zoo/versions/" + "a" * 129,
            "`vN`, `latest` or an alias",
        ),
    ],
)
def test_a_path_parameter_breaking_its_rule_is_refused_naming_the_rule(api_for, member, url, rule):
    response = api_for(member).get(url)
    assert response.status_code == 400
    assert rule in response.json()["detail"]
