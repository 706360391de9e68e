"""Demo content for `make run` on an empty database (also used by screenshots)."""

from __future__ import annotations

import json
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

from registry import permissions
from registry.models import Registry, TeamMembership
from registry.services import (
    artifacts,
    automation_settings,
    gates,
    promotions,
    registries,
    tags,
)
from registry.services.aliases import add_alias
from registry.services.collections import add_collection_tags, update_collection_description
from registry.services.linking import link_version
from registry.storage import store_bytes

DEMO_USERS = [
    # username, superuser, {registry: role}
    ("admin", True, {}),
    ("alice", False, {"Model": permissions.MEMBER, "Dataset": permissions.MEMBER}),
    ("bob", False, {"Research": permissions.VIEWER}),
]


def _version(actor, run, name, type_, n, metadata):
    payload = json.dumps({"name": name, "n": n, "weights": [n * 0.1] * 64}).encode()
    readme = f"# {name} v{n}\nDemo artifact version {n}.\n".encode()
    entries = []
    for path, data in ((f"{name}.json", payload), ("README.md", readme)):
        blob = store_bytes(data)
        entries.append(artifacts.ManifestEntry(path, blob.sha256, blob.size))
    version, _ = artifacts.log_artifact_version(
        project=run.project,
        run=run,
        name=name,
        type_=type_,
        manifest=entries,
        actor=actor,
        metadata=metadata,
        description=f"{name} trained with seed {n}",
    )
    return version


@transaction.atomic
def create_demo() -> list[tuple[str, str]]:
    """Create users and content; returns (username, password) pairs."""
    User = get_user_model()
    credentials = []
    users = {}
    for username, superuser, _ in DEMO_USERS:
        password = secrets.token_urlsafe(9)
        if superuser:
            user = User.objects.create_superuser(username, f"{username}@example.com", password)
        else:
            user = User.objects.create_user(username, f"{username}@example.com", password)
        users[username] = user
        credentials.append((username, password))
    admin = users["admin"]
    model = Registry.objects.get(name="Model")
    dataset = Registry.objects.get(name="Dataset")
    research = registries.create_registry(
        name="Research",
        actor=admin,
        description="Experimental models; members only.",
        visibility=Registry.Visibility.RESTRICTED,
        accepted_types=["model", "dataset"],
    )
    registries.create_registry(
        name="Zoo_Classifier_Models",
        actor=admin,
        description="Classifiers for the UCI Zoo dataset.",
        accepted_types=["model", "dataset"],
    )
    for username, _, roles in DEMO_USERS:
        for registry_name, role in roles.items():
            registries.set_role(
                registry=Registry.objects.get(name=registry_name),
                user=users[username],
                role=role,
                actor=admin,
            )
    for registry in (model, dataset):
        for name in ("production", "staging"):
            registries.create_protected_alias(registry=registry, name=name, actor=admin)

    prep = artifacts.create_run(
        entity="ml-team",
        project="zoo_experiment",
        actor=admin,
        name="prepare-zoo",
        job_type="dataset-prep",
    )
    train = artifacts.create_run(
        entity="ml-team",
        project="zoo_experiment",
        actor=admin,
        name="train-zoo",
        job_type="train",
    )
    data_versions = [
        _version(admin, prep, "zoo_dataset", "dataset", n, {"rows": 101 + n, "split": "v1"})
        for n in range(3)
    ]
    linked_data = [
        link_version(
            registry=dataset,
            collection_name="zoo",
            source=source,
            actor=admin,
            aliases=[f"dataset_version_v{i}"],
        )[0]
        for i, source in enumerate(data_versions)
    ]
    # Lineage: the training run used the newest dataset and produced the models.
    artifacts.record_use(linked=linked_data[-1], actor=admin, run=train)
    model_versions = [
        _version(
            admin,
            train,
            "zoo_classifier",
            "model",
            n,
            {"accuracy": round(0.81 + n * 0.03, 3), "epochs": 10 * (n + 1)},
        )
        for n in range(4)
    ]
    linked = [
        link_version(registry=model, collection_name="zoo_classifier", source=v, actor=admin)[0]
        for v in model_versions
    ]
    add_alias(version=linked[1], name="production", actor=admin)
    add_alias(version=linked[2], name="staging", actor=admin)
    add_alias(version=linked[3], name="best_model", actor=users["alice"])
    add_alias(version=linked[2], name="production", actor=admin)  # a move, for the history
    tags.add_version_tags(version=linked[3], names=["candidate"], actor=admin)
    collection = linked[0].collection
    update_collection_description(
        collection=collection,
        actor=admin,
        description="Classifies animals of the UCI Zoo dataset into seven classes.",
    )
    add_collection_tags(collection=collection, names=["vision", "tabular"], actor=admin)
    for n, v in enumerate(model_versions[:2]):
        link_version(
            registry=research,
            collection_name="zoo_experiments",
            source=v,
            actor=admin,
            aliases=["candidate"] if n else [],
        )
    for run in (prep, train):
        artifacts.finish_run(run=run, actor=admin)
    # alice trains models in ml-team too, so the README's SDK example runs as her.
    TeamMembership.objects.create(team=prep.project.team, user=users["alice"])
    _demo_promotions(model, linked[3], admin, users["alice"])
    _demo_automations(model, admin)
    return credentials


def _demo_promotions(model, candidate, admin, member) -> None:
    """Gates on production, and a member's pending request to move staging to the
    candidate: the Promotions list, a request page and the board have something to show."""
    gates.set_policy(
        registry=model,
        name="production",
        required_approvals=1,
        conditions={"metadata.accuracy": {"$gte": 0.85}},
        require_finished_run=True,
        actor=admin,
    )
    promotions.request_promotion(
        registry=model,
        collection=candidate.collection,
        ref=candidate.index,
        alias="staging",
        reason="v3 reaches 0.9 accuracy on the held-out animals (v2: 0.87).",
        actor=member,
    )


def _demo_automations(model, admin) -> None:
    """A webhook endpoint, a Slack destination and two automations, switched off: their
    addresses are examples, and switching one on shows where deliveries would go."""
    endpoint = automation_settings.create_endpoint(
        registry=model, name="ci", url="https://ci.example.com/hooks/registry", actor=admin
    )
    slack = automation_settings.create_slack(
        registry=model,
        channel="#deployments",
        url="https://hooks.slack.com/services/T000/B000/example",
        actor=admin,
    )
    automation_settings.create_automation(
        registry=model,
        actor=admin,
        enabled=False,
        name="deploy-production",
        event="ADD_ARTIFACT_ALIAS",
        alias_regex="^production$",
        action="webhook",
        endpoint=endpoint,
    )
    automation_settings.create_automation(
        registry=model,
        actor=admin,
        enabled=False,
        name="announce-links",
        event="LINK_ARTIFACT",
        action="slack",
        slack=slack,
    )
