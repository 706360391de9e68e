"""The MLflow routes over plain HTTP: shapes, errors, auth, names and versions."""

from __future__ import annotations

import pytest

from registry.models import Alias, Collection, LinkedVersion
from registry.services import registries
from registry.services.artifacts import create_run
from registry.services.tags import add_version_tags
from tests.mlflow.conftest import alias_events, link_files

pytestmark = pytest.mark.django_db

ALIAS = "/api/2.0/mlflow/registered-models/alias"


def test_it_gives_a_model_version_in_mlflows_shape(zoo, viewer, http_for):
    v0, _ = zoo
    add_version_tags(version=v0, names=["best"], actor=v0.linked_by)
    response = http_for(viewer).get(f"{ALIAS}?name=Model.zoo&alias=Production")
    assert response.status_code == 200
    body = response.json()["model_version"]
    assert body["name"] == "Model.zoo"
    assert body["version"] == "1"
    assert body["aliases"] == ["production"]
    assert body["tags"] == [
        {"key": "best", "value": ""},
        {"key": "registry.version", "value": "v0"},
    ]
    assert body["creation_timestamp"] == int(v0.linked_at.timestamp() * 1000)
    assert body["source"] == f"team/proj/zoo-model:v{v0.source.index}"
    assert body["status"] == "READY"
    assert body["user_id"] == "admin"


def test_it_gives_a_registered_model_in_mlflows_shape(zoo, viewer, http_for):
    response = http_for(viewer).get("/api/2.0/mlflow/registered-models/get?name=zoo")
    body = response.json()["registered_model"]
    assert body["name"] == "Model.zoo"
    assert body["aliases"] == [
        {"alias": "candidate", "version": "2"},
        {"alias": "production", "version": "1"},
    ]
    assert [v["version"] for v in body["latest_versions"]] == ["2"]
    assert isinstance(body["creation_timestamp"], int)


def test_it_serves_the_ajax_api_prefix_too(zoo, viewer, http_for):
    response = http_for(viewer).get("/ajax-api/2.0/mlflow/registered-models/get?name=zoo")
    assert response.status_code == 200


def test_it_requires_a_key(zoo, anonymous):
    response = anonymous.get(f"{ALIAS}?name=zoo&alias=production")
    assert response.status_code == 401
    assert response.json()["error_code"] == "UNAUTHENTICATED"
    assert "MLFLOW_TRACKING_TOKEN" in response.json()["message"]


def test_it_refuses_a_revoked_or_unknown_key(zoo, client):
    response = client.get(
        f"{ALIAS}?name=zoo&alias=production", headers={"Authorization": "Bearer reg_nope"}
    )
    assert response.status_code == 401
    assert "not valid or has been revoked" in response.json()["message"]


def test_it_ignores_a_browser_session(zoo, client, viewer):
    client.force_login(viewer)
    assert client.get(f"{ALIAS}?name=zoo&alias=production").status_code == 401


def test_it_sets_an_alias_from_a_json_body(zoo, member, http_for):
    response = http_for(member).post(
        ALIAS, {"name": "Model.zoo", "alias": "staging", "version": "1"}
    )
    assert response.status_code == 200
    assert response.json() == {}
    assert Alias.objects.get(name="staging").version.index == 0


def test_it_deletes_an_alias_named_in_the_query_string(zoo, member, http_for):
    response = http_for(member).delete(f"{ALIAS}?name=zoo&alias=candidate")
    assert response.status_code == 200
    assert not Alias.objects.filter(name="candidate").exists()


def test_it_deletes_an_alias_named_in_a_json_body(zoo, member, http_for):
    api = http_for(member)
    response = api._call("delete", ALIAS, {"name": "zoo", "alias": "candidate"})
    assert response.status_code == 200
    assert not Alias.objects.filter(name="candidate").exists()


def test_it_refuses_a_protected_alias_to_a_member_with_our_message(zoo, member, http_for):
    before = alias_events("zoo")
    response = http_for(member).post(ALIAS, {"name": "zoo", "alias": "PRODUCTION", "version": "2"})
    assert response.status_code == 403
    assert response.json() == {
        "error_code": "PERMISSION_DENIED",
        "message": "'PRODUCTION' is a protected alias in registry 'Model'; only registry admins "
        "can move it.",
    }
    assert alias_events("zoo") == before


def test_it_refuses_reserved_aliases(zoo, member, http_for):
    api = http_for(member)
    response = api.post(ALIAS, {"name": "zoo", "alias": "latest", "version": "1"})
    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "'latest' is a default alias" in response.json()["message"]
    response = api.delete(f"{ALIAS}?name=zoo&alias=v0")
    assert response.status_code == 400


def test_it_reports_an_alias_nobody_holds(zoo, viewer, member, http_for):
    response = http_for(viewer).get(f"{ALIAS}?name=zoo&alias=staging")
    assert response.status_code == 404
    assert response.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    response = http_for(member).delete(f"{ALIAS}?name=zoo&alias=staging")
    assert response.json() == {
        "error_code": "RESOURCE_DOES_NOT_EXIST",
        "message": "Model 'Model.zoo' has no alias 'staging'.",
    }


def test_it_resolves_latest_but_not_version_names_as_aliases(zoo, viewer, http_for):
    api = http_for(viewer)
    assert api.get(f"{ALIAS}?name=zoo&alias=latest").json()["model_version"]["version"] == "2"
    response = api.get(f"{ALIAS}?name=zoo&alias=v1")
    assert response.status_code == 400
    assert "names a version, not an alias" in response.json()["message"]


def test_it_maps_mlflow_version_one_to_our_v0(zoo, viewer, http_for):
    api = http_for(viewer)
    response = api.get("/api/2.0/mlflow/model-versions/get?name=zoo&version=1")
    assert response.json()["model_version"]["aliases"] == ["production"]
    response = api.get("/api/2.0/mlflow/model-versions/get?name=zoo&version=0")
    assert response.status_code == 400
    assert "versions are whole numbers from 1" in response.json()["message"]
    response = api.get("/api/2.0/mlflow/model-versions/get?name=zoo&version=9")
    assert response.json() == {
        "error_code": "RESOURCE_DOES_NOT_EXIST",
        "message": "Model 'Model.zoo' has no version 9 (our v8); MLflow version N is our v(N-1).",
    }


def test_it_splits_names_at_the_first_dot(registry, admin, viewer, http_for):
    link_files(admin, registry, "zoo.large", {"MLmodel": b"x"}, aliases=["best"])
    response = http_for(viewer).get(f"{ALIAS}?name=Model.zoo.large&alias=best")
    assert response.json()["model_version"]["name"] == "Model.zoo.large"


def test_it_refuses_names_that_cannot_map(zoo, viewer, http_for):
    response = http_for(viewer).get(f"{ALIAS}?name=Model.zoo%20v2&alias=best")
    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "MLflow names are REGISTRY.COLLECTION" in response.json()["message"]
    response = http_for(viewer).get(f"{ALIAS}?name=Model.&alias=best")
    assert response.status_code == 400


def test_it_explains_that_registries_with_a_dot_cannot_be_reached(org_admin, viewer, http_for):
    registries.create_registry(name="team.ml", actor=org_admin, accepted_types=["model"])
    response = http_for(viewer).get("/api/2.0/mlflow/registered-models/get?name=team.ml.zoo")
    assert response.status_code == 404
    assert response.json()["message"] == (
        "'team.ml.zoo' names collection 'ml.zoo' of registry 'team', which does not exist or "
        "you cannot see it: MLflow names split at the first dot, so registry 'team.ml' (a dot "
        "in its name) cannot be reached from MLflow clients; use our API or SDK for it."
    )


def test_it_hides_restricted_registries_as_missing(restricted, admin, stranger, http_for):
    link_files(admin, restricted, "vault", {"MLmodel": b"x"})
    hidden = http_for(stranger).get("/api/2.0/mlflow/registered-models/get?name=Secret.vault")
    missing = http_for(stranger).get("/api/2.0/mlflow/registered-models/get?name=Nope.vault")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["message"] == (
        "Registry 'Secret' does not exist or you do not have access to it."
    )


def test_it_uses_the_configured_default_registry(restricted, admin, viewer, http_for, settings):
    settings.REGISTRY_MLFLOW_DEFAULT_REGISTRY = "Secret"
    link_files(admin, restricted, "vault", {"MLmodel": b"x"}, aliases=["best"])
    response = http_for(viewer).get(f"{ALIAS}?name=vault&alias=best")
    assert response.json()["model_version"]["name"] == "Secret.vault"


def test_it_refuses_an_unknown_route_and_a_wrong_method(viewer, http_for):
    api = http_for(viewer)
    response = api.get("/api/2.0/mlflow/experiments/get?experiment_id=1")
    assert response.status_code == 404
    assert response.json()["error_code"] == "ENDPOINT_NOT_FOUND"
    assert "registered-models/alias" in response.json()["message"]
    response = api.post("/api/2.0/mlflow/registered-models/get", {"name": "zoo"})
    assert response.status_code == 405
    assert "accepts GET, not POST" in response.json()["message"]
    assert response["Allow"] == "GET"


def test_it_refuses_a_body_that_is_not_json(zoo, member, http_for):
    api = http_for(member)
    response = api.client.post(
        ALIAS, data="name=zoo", content_type="text/plain", headers=api.headers
    )
    assert response.status_code == 400
    assert "must be a JSON object" in response.json()["message"]


def test_it_gives_the_download_uri_of_a_version(zoo, viewer, http_for):
    response = http_for(viewer).get(
        "/api/2.0/mlflow/model-versions/get-download-uri?name=zoo&version=1"
    )
    assert response.json() == {"artifact_uri": "mlflow-artifacts:/registries/Model/zoo/v0"}


def test_it_lists_and_downloads_artifacts(zoo, viewer, http_for):
    api = http_for(viewer)
    base = "/api/2.0/mlflow-artifacts/artifacts"
    listing = api.get(f"{base}?path=registries/Model/zoo/v0").json()
    assert listing == {
        "files": [
            {"path": "MLmodel", "is_dir": False, "file_size": 12},
            {"path": "data", "is_dir": True},
        ]
    }
    inner = api.get(f"{base}?path=registries/Model/zoo/v0/data").json()
    assert inner == {"files": [{"path": "weights.bin", "is_dir": False, "file_size": 12}]}
    response = api.get(f"{base}/registries/Model/zoo/v0/data/weights.bin")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x00weights v0\xff"
    assert response["Content-Length"] == "12"
    missing = api.get(f"{base}/registries/Model/zoo/v0/nothing.bin")
    assert missing.status_code == 404
    assert missing.json()["message"] == "v0 of 'zoo' has no file or folder 'nothing.bin'."


def test_it_refuses_artifact_paths_outside_a_version(zoo, viewer, http_for):
    response = http_for(viewer).get(
        "/api/2.0/mlflow-artifacts/artifacts/registries/Model/zoo/v0/../v1/MLmodel"
    )
    assert response.status_code in (400, 404)
    response = http_for(viewer).get("/api/2.0/mlflow-artifacts/artifacts?path=elsewhere")
    assert response.status_code == 400
    assert "registries/REGISTRY/COLLECTION/vN" in response.json()["message"]


def test_it_creates_a_registered_model(registry, member, http_for):
    response = http_for(member).post(
        "/api/2.0/mlflow/registered-models/create",
        {"name": "Model.fresh", "description": "new", "tags": [{"key": "nlp", "value": ""}]},
    )
    assert response.status_code == 200
    assert response.json()["registered_model"]["tags"] == [{"key": "nlp", "value": ""}]
    assert Collection.objects.get(name="fresh").type == "model"


def test_it_refuses_creating_an_existing_model_or_tag_values(zoo, member, viewer, http_for):
    response = http_for(member).post("/api/2.0/mlflow/registered-models/create", {"name": "zoo"})
    assert response.status_code == 400
    assert response.json()["error_code"] == "RESOURCE_ALREADY_EXISTS"
    response = http_for(member).post(
        "/api/2.0/mlflow/registered-models/create",
        {"name": "other", "tags": [{"key": "team", "value": "nlp"}]},
    )
    assert "tags here are names without values" in response.json()["message"]
    response = http_for(viewer).post("/api/2.0/mlflow/registered-models/create", {"name": "v"})
    assert response.status_code == 403
    assert response.json()["error_code"] == "PERMISSION_DENIED"


def test_it_creates_a_model_version_from_one_of_our_sources(zoo, admin, http_for):
    v0, _ = zoo
    source = v0.source
    ref = f"team/proj/{source.artifact.name}:v{source.index}"
    response = http_for(admin).post(
        "/api/2.0/mlflow/model-versions/create", {"name": "Model.copy", "source": ref}
    )
    assert response.status_code == 200
    body = response.json()["model_version"]
    assert (body["name"], body["version"], body["source"]) == ("Model.copy", "1", ref)
    assert LinkedVersion.objects.filter(collection__name="copy", source=source).exists()


def test_it_refuses_a_source_that_is_not_ours(zoo, admin, http_for):
    response = http_for(admin).post(
        "/api/2.0/mlflow/model-versions/create",
        {"name": "zoo", "source": "runs:/abc123/model"},
    )
    assert response.status_code == 400
    assert "ENTITY/PROJECT/ARTIFACT:vN" in response.json()["message"]


def test_it_searches_versions_by_run_and_number(zoo, registry, admin, viewer, http_for):
    run = create_run(entity="team", project="proj", actor=admin)
    v0, _ = zoo
    v0.source.created_run = run
    v0.source.save()
    api = http_for(viewer)
    url = "/api/2.0/mlflow/model-versions/search"
    found = api.get(f"{url}?filter=run_id%3D%27{run.run_id}%27").json()["model_versions"]
    assert [v["version"] for v in found] == ["1"]
    found = api.get(f"{url}?filter=name+LIKE+%27Model.z%25%27+AND+version_number+>+1")
    assert [v["version"] for v in found.json()["model_versions"]] == ["2"]


def test_it_pages_version_searches(zoo, viewer, http_for):
    api = http_for(viewer)
    url = "/api/2.0/mlflow/model-versions/search?filter=name%3D%27zoo%27&max_results=1"
    first = api.get(url).json()
    second = api.get(f"{url}&page_token={first['next_page_token']}").json()
    assert [v["version"] for v in first["model_versions"] + second["model_versions"]] == [
        "2",
        "1",
    ]
    assert "next_page_token" not in second


def test_it_searches_registered_models_with_mlflows_prompt_filter(zoo, registry, admin, http_for):
    link_files(admin, registry, "other", {"MLmodel": b"o"})
    api = http_for(admin)
    url = "/api/2.0/mlflow/registered-models/search"
    # MLflow's client adds this clause to every registered-model search.
    prompt = "tag.`mlflow.prompt.is_prompt` != 'true'"
    found = api.client.get(url, {"filter": f"name LIKE '%zoo' AND {prompt}"}, headers=api.headers)
    assert [m["name"] for m in found.json()["registered_models"]] == ["Model.zoo"]
    everything = api.client.get(url, {"filter": prompt}, headers=api.headers).json()
    assert [m["name"] for m in everything["registered_models"]] == ["Model.other", "Model.zoo"]


def test_it_refuses_a_filter_it_does_not_understand(zoo, viewer, http_for):
    api = http_for(viewer)
    response = api.client.get(
        "/api/2.0/mlflow/model-versions/search",
        {"filter": "source_path = 'x'"},
        headers=api.headers,
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("Cannot use filter clause 'source_path = 'x''")
