"""Odd inputs on every documented operation: a refusal with a message, never a 500."""

from __future__ import annotations

import json
import re

import pytest

from registry.services.registries import create_protected_alias
from tests.factories import link_new

pytestmark = pytest.mark.django_db

ODD_SEGMENTS = [
    "Model",
    "zoo",
    "v0",
    "latest",
    "production",
    " ",
    "..",
    "%00",
    "%2F",
    "a" * 300,
    "ü-ñ",
    "v99999999999999999999",
    "-1",
    "null",
    "0" * 64,
    "'; DROP TABLE x; --",
]
ODD_BODIES = [
    None,
    "not json",
    "[]",
    "null",
    "123",
    '"text"',
    "{}",
    json.dumps({"name": 123, "type": None, "files": {}, "aliases": "x", "names": [1]}),
    json.dumps({"name": "x" * 5000, "type": "model", "files": [{"path": "..", "sha256": 1}]}),
    json.dumps({"files": [{"path": "a", "sha256": "0" * 64, "size": -1}]}),
    json.dumps({"files": [{"path": "a", "sha256": "0" * 64, "size": 10**30}]}),
    json.dumps({"source": {"entity": "", "project": "", "artifact": "", "version": "v-1"}}),
    json.dumps({"entity": "../x", "project": "p", "run_id": "r", "name": "\x00"}),
    json.dumps({"description": ["x"], "visibility": 3, "accepted_types": "model"}),
    json.dumps({"names": ["ok", "bad tag!", ""]}),
    json.dumps({"name": "latest"}),
]


def operations(schema):
    for path, methods in schema["paths"].items():
        for method in methods:
            yield path, method


def fill(path: str, value: str) -> list[str]:
    params = re.findall(r"{(\w+)}", path)
    urls = []
    for target in params:
        url = path
        for param in params:
            default = {"registry": "Model", "collection": "zoo", "ref": "v0"}.get(param, "x")
            url = url.replace("{" + param + "}", value if param == target else default)
        urls.append(url)
    return urls or [path]


def test_no_operation_answers_500_on_odd_input(client, api_for, admin, member, registry):
    create_protected_alias(registry=registry, name="production", actor=admin)
    link_new(admin, registry, aliases=["production"])
    api = api_for(member)
    schema = client.get("/api/v1/openapi.json").json()
    failures = []
    for path, method in operations(schema):
        for segment in ODD_SEGMENTS:
            for url in fill(path, segment):
                bodies = ODD_BODIES if method in ("post", "put", "patch") else [None]
                for body in bodies:
                    kwargs = {"headers": api.headers}
                    if body is not None:
                        kwargs["data"] = body
                        kwargs["content_type"] = "application/json"
                    response = getattr(api.client, method)(url, **kwargs)
                    status = response.status_code
                    if status >= 500:
                        failures.append((method, url, body, status))
                    elif status >= 400 and method != "head":  # HEAD answers carry no body
                        is_json = response["Content-Type"] == "application/json; charset=utf-8"
                        detail = response.json().get("detail") if is_json else response.content
                        if not isinstance(detail, str) or not detail:
                            failures.append((method, url, body, status, detail))
    assert failures == []
