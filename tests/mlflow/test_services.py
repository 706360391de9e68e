"""MLflow's routes go through our services: ETags, automations and query counts hold."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import Delivery
from registry.services import automation_settings
from tests.mlflow.conftest import link_files

pytestmark = pytest.mark.django_db

ALIAS = "/api/2.0/mlflow/registered-models/alias"
NATIVE = "/api/v1/registries/Model/collections/zoo/versions/candidate"


def test_a_move_through_mlflow_changes_the_native_etag(zoo, member, http_for):
    api = http_for(member)
    etag = api.get(NATIVE)["ETag"]
    assert api.get(NATIVE, **{"If-None-Match": etag}).status_code == 304
    api.post(ALIAS, {"name": "zoo", "alias": "candidate", "version": "1"})
    moved = api.get(NATIVE, **{"If-None-Match": etag})
    assert moved.status_code == 200
    assert moved.json()["version"] == "v0"


def test_the_mlflow_alias_get_follows_every_change(zoo, member, http_for):
    api = http_for(member)
    url = f"{ALIAS}?name=zoo&alias=candidate"
    first = api.get(url)
    assert first.json()["model_version"]["version"] == "2"
    assert api.get(url, **{"If-None-Match": first["ETag"]}).status_code == 304
    api.post(ALIAS, {"name": "zoo", "alias": "candidate", "version": "1"})
    moved = api.get(url, **{"If-None-Match": first["ETag"]})
    assert moved.status_code == 200
    assert moved.json()["model_version"]["version"] == "1"
    api.post(ALIAS, {"name": "zoo", "alias": "extra", "version": "1"})
    assert api.get(url).json()["model_version"]["aliases"] == ["candidate", "extra", "production"]


def test_a_repeated_mlflow_alias_get_is_one_query(zoo, viewer, http_for):
    api = http_for(viewer)
    url = f"{ALIAS}?name=zoo&alias=production"
    api.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url).status_code == 200
    assert len(queries) == 1


def test_a_move_through_mlflow_fires_the_automation(zoo, registry, member, org_admin, http_for):
    endpoint = automation_settings.create_endpoint(
        registry=registry, name="ci", url="https://ci.example.com/hook", actor=org_admin
    )
    automation_settings.create_automation(
        registry=registry,
        actor=org_admin,
        name="on alias",
        event="ADD_ARTIFACT_ALIAS",
        action="webhook",
        endpoint=endpoint,
    )
    http_for(member).post(ALIAS, {"name": "zoo", "alias": "candidate", "version": "1"})
    assert Delivery.objects.count() == 1
    refused = http_for(member).post(ALIAS, {"name": "zoo", "alias": "production", "version": "2"})
    assert refused.status_code == 403
    assert Delivery.objects.count() == 1


def _count_queries(api, url):
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url).status_code == 200
    return len(queries)


def test_version_search_queries_do_not_grow_with_versions(registry, admin, viewer, http_for):
    api = http_for(viewer)
    url = "/api/2.0/mlflow/model-versions/search?filter=name%3D%27zoo%27"
    api.get(url)  # the key's first use records when it was used: one write, once
    link_files(admin, registry, "zoo", {"a": b"1"}, aliases=["one"])
    few = _count_queries(api, url)
    for i in range(5):
        link_files(admin, registry, "zoo", {"a": f"more {i}".encode()}, aliases=[f"a{i}"])
    assert _count_queries(api, url) == few


def test_model_search_queries_do_not_grow_with_models(registry, admin, viewer, http_for):
    api = http_for(viewer)
    url = "/api/2.0/mlflow/registered-models/search"
    api.get(url)  # the key's first use records when it was used: one write, once
    link_files(admin, registry, "m0", {"a": b"1"}, aliases=["one"])
    few = _count_queries(api, url)
    for i in range(1, 6):
        link_files(admin, registry, f"m{i}", {"a": f"m {i}".encode()}, aliases=["x"])
    assert _count_queries(api, url) == few
