"""Programs written as the W&B docs write them, run unchanged but for the import line.

Each test body is a W&B program (`import wandb` became `import registry_sdk as wandb`)
against a live server; the assertions after it check what the server holds.
"""

from __future__ import annotations

import json

import pytest
import registry_sdk as wandb
from registry_sdk.automations import (
    ArtifactEvent,
    OnAddArtifactAlias,
    OnLinkArtifact,
    SendNotification,
    SendWebhook,
)

from registry.models import Automation, Registry
from tests.automations.conftest import run_worker
from tests.sdk.conftest import live


def log_and_link(tmp_path, name, aliases, metadata, tags=()):
    """W&B's 'link an artifact version to a collection' example."""
    (tmp_path / f"{name}.pt").write_bytes(name.encode())
    with wandb.init(entity="team", project="zoo") as run:
        artifact = wandb.Artifact(name=name, type="model", metadata=metadata)
        artifact.add_file(local_path=str(tmp_path / f"{name}.pt"))
        linked = run.link_artifact(
            artifact=artifact, target_path="wandb-registry-Model/zoo", aliases=aliases
        )
    if tags:
        linked.tags = list(tags)
        linked.save()
    return linked


@pytest.fixture
def catalogue(sdk_as, admin, registry, tmp_path):
    sdk_as(admin)
    log_and_link(tmp_path, "small", ["staging"], {"accuracy": 0.71, "framework": "torch"})
    log_and_link(tmp_path, "large", ["best"], {"accuracy": 0.93, "framework": "jax"}, ["prod"])
    log_and_link(tmp_path, "huge", [], {"accuracy": "n/a"})


@live
def test_find_registries_collections_and_versions_with_each_operator(catalogue):
    api = wandb.Api()

    # Find all registries with the names that contain "model"
    registry_names = [r.name for r in api.registries(filter={"name": {"$regex": "(?i)model"}})]

    # Find all collections in the registries with the name "zoo" and no tag "archived"
    collections = api.registries().collections(
        filter={"name": "zoo", "tag": {"$nin": ["archived"]}}
    )

    # Versions tagged "prod" or aliased "staging"
    prod_or_staging = api.registries(filter={"name": {"$regex": "model"}}).versions(
        filter={"$or": [{"tag": "prod"}, {"alias": "staging"}]}
    )
    capital_model = api.registries(filter={"name": {"$in": ["Model", "Dataset"]}}).versions(
        filter={"$or": [{"tag": "prod"}, {"alias": "staging"}]}
    )

    # Metadata compared as numbers; $exists, $ne, $not, $nor, $and, dates
    accurate = api.registry("Model").versions(filter={"metadata.accuracy": {"$gte": 0.9}})
    mid = api.registry("Model").versions(
        filter={"$and": [{"metadata.accuracy": {"$gt": 0.5}}, {"metadata.accuracy": {"$lt": 0.8}}]}
    )
    lte = api.registry("Model").versions(filter={"metadata.accuracy": {"$lte": 0.71}})
    not_jax = api.registry("Model").versions(
        filter={"metadata.framework": {"$exists": True, "$ne": "jax"}}
    )
    no_alias = api.registry("Model").versions(
        filter={"$nor": [{"alias": "staging"}, {"alias": "best"}]}
    )
    not_tagged = api.registry("Model").versions(filter={"tag": {"$not": {"$eq": "prod"}}})
    recent = api.registry("Model").versions(filter={"created_at": {"$gt": "2000-01-01T00:00:00Z"}})
    newest = api.registry("Model").versions(filter={"alias": {"$eq": "latest"}})

    def versions(found):
        return sorted(a.version for a in found)

    assert registry_names == ["Model"]
    assert [c.name for c in collections] == ["zoo"]
    assert list(prod_or_staging) == []  # registry names are case-sensitive, as in W&B
    assert versions(capital_model) == ["v0", "v1"]
    assert versions(accurate) == ["v1"]
    assert versions(mid) == versions(lte) == ["v0"]
    assert versions(not_jax) == ["v0"]
    assert versions(no_alias) == versions(newest) == ["v2"]
    assert versions(not_tagged) == ["v0", "v2"]
    assert versions(recent) == ["v0", "v1", "v2"]


@live
def test_create_a_registry_and_edit_collections_and_versions(sdk_as, org_admin, tmp_path):
    sdk_as(org_admin)
    api = wandb.Api()
    registry = api.create_registry(
        name="Vision",
        visibility="restricted",
        description="Image models",
        artifact_types=["model"],
    )
    registry.description = "Image and video models"
    registry.save()

    (tmp_path / "cnn.pt").write_bytes(b"cnn")
    with wandb.init(entity="team", project="vision") as run:
        artifact = wandb.Artifact(name="cnn", type="model")
        artifact.add_file(local_path=str(tmp_path / "cnn.pt"))
        run.link_artifact(artifact=artifact, target_path="wandb-registry-Vision/cnns")

    collection = api.artifact_collection(type_name="model", name="wandb-registry-Vision/cnns")
    collection.description = "Convolutional networks"
    collection.tags = ["cv"]
    collection.save()

    artifact = api.artifact("wandb-registry-Vision/cnns:latest")
    artifact.aliases.append("production")
    artifact.tags = ["baseline"]
    artifact.description = "First CNN"
    artifact.save()

    stored = Registry.objects.get(name="Vision")
    assert (stored.description, stored.visibility) == ("Image and video models", "restricted")
    assert api.artifact_exists("wandb-registry-Vision/cnns:production")
    again = api.artifact("wandb-registry-Vision/cnns:production")
    assert (again.tags, again.description) == (["baseline"], "First CNN")
    [found] = api.registry("Vision").collections(filter={"tag": "cv"})
    assert found.description == "Convolutional networks"


@live
def test_an_automation_created_from_code_fires_on_a_real_receiver(
    sdk_as, admin, member, registry, receiver, endpoint, tmp_path
):
    sdk_as(admin)
    api = wandb.Api()
    webhook = next(api.webhook_integrations(registry="Model"))
    model_registry = api.registry("Model")

    event = OnAddArtifactAlias(
        scope=model_registry, filter=ArtifactEvent.alias.matches_regex("^prod")
    )
    action = SendWebhook.from_integration(
        webhook, payload={"alias": "${alias}", "version": "${artifact_version_string}"}
    )
    automation = api.create_automation(
        event >> action, name="deploy-on-prod", description="Deploy production models"
    )
    on_link = api.create_automation(
        OnLinkArtifact(scope=model_registry).then(SendWebhook.from_integration(webhook)),
        name="announce-links",
    )

    sdk_as(member)
    (tmp_path / "m.pt").write_bytes(b"m")
    with wandb.init(entity="team", project="zoo") as run:
        artifact = wandb.Artifact(name="m", type="model")
        artifact.add_file(local_path=str(tmp_path / "m.pt"))
        run.link_artifact(artifact, "wandb-registry-Model/zoo", aliases=["production-eu"])
    run_worker()

    bodies = [json.loads(r["body"]) for r in receiver.requests]
    assert {"alias": "production-eu", "version": "wandb-registry-Model/zoo:v0"} in bodies
    assert any(b.get("event_type") == "LINK_ARTIFACT" for b in bodies)
    assert len(bodies) == 2
    assert (automation.name, automation.alias_regex, on_link.event) == (
        "deploy-on-prod",
        "^prod",
        "LINK_ARTIFACT",
    )

    sdk_as(admin)
    api = wandb.Api()
    [saved] = api.automations(name="deploy-on-prod")
    saved.enabled = False
    saved.description = "Paused"
    api.update_automation(saved)
    assert Automation.objects.get(name="deploy-on-prod").enabled is False
    assert api.delete_automation(saved)
    assert [a.name for a in api.automations()] == ["announce-links"]


@live
def test_automations_are_for_admins_and_slack_text_is_the_servers(sdk_as, member, admin, registry):
    from registry.services import automation_settings

    automation_settings.create_slack(
        registry=registry, channel="#ml", url="https://hooks.slack.com/services/T/B/x", actor=admin
    )
    sdk_as(member)
    with pytest.raises(wandb.PermissionDenied, match="Admin role"):
        wandb.Api().webhook_integrations(registry="Model")
    sdk_as(admin)
    api = wandb.Api()
    slack = next(api.slack_integrations())
    with pytest.warns(UserWarning, match="written by the server"):
        action = SendNotification.from_integration(slack, title="Deployed", text="${alias}")
    created = api.create_automation(
        OnAddArtifactAlias(scope="wandb-registry-Model") >> action, name="tell"
    )
    assert (created.action, created.slack, created.collection) == ("slack", "#ml", None)
