"""Automations through the REST API: admins only, names resolved, secrets never sent back."""

from __future__ import annotations

import pytest

from registry.models import Automation, Delivery
from registry.services import automation_settings as settings_service
from registry.services.aliases import add_alias
from tests.api.conftest import client_for
from tests.automations.conftest import SIGNING_SECRET, TOKEN
from tests.factories import link_new

pytestmark = pytest.mark.django_db
URL = "/api/v1/automations"


@pytest.fixture
def slack(registry, admin):
    return settings_service.create_slack(
        registry=registry,
        channel="#deploys",
        url="https://hooks.slack.com/services/T0/B0/slack-url-secret",
        actor=admin,
    )


def new(**fields):
    return {
        "registry": "Model",
        "name": "deploy",
        "event": "ADD_ARTIFACT_ALIAS",
        "action": "webhook",
        "endpoint": "ci",
        **fields,
    }


def test_an_admin_creates_an_automation_that_fires(registry, admin, member, endpoint):
    created = client_for(admin).post(
        URL, new(alias_regex="^prod", description="Deploy on prod*", collection=None)
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["name"], body["endpoint"], body["collection"], body["description"]) == (
        "deploy",
        "ci",
        None,
        "Deploy on prod*",
    )
    add_alias(version=link_new(member, registry), name="production", actor=member)
    assert Delivery.objects.get().automation.name == "deploy"


def test_members_may_not_see_or_create_automations(registry, member, endpoint):
    client = client_for(member)
    refused = client.post(URL, new())
    assert refused.status_code == 403
    assert "needs the Admin role" in refused.json()["detail"]
    assert client.get(URL).json() == []
    assert client.get(f"{URL}?registry=Model").status_code == 403


def test_integrations_never_include_secrets(registry, admin, endpoint, slack):
    response = client_for(admin).get(f"{URL}/integrations")
    assert response.json() == {
        "webhooks": [
            {
                "registry": "Model",
                "name": "ci",
                "url": endpoint.url,
                "has_token": True,
                "has_secret": True,
            }
        ],
        "slack": [{"registry": "Model", "channel": "#deploys"}],
    }
    raw = response.content.decode()
    assert TOKEN not in raw and SIGNING_SECRET not in raw and "slack-url-secret" not in raw


def test_it_names_a_missing_endpoint_or_bad_event(registry, admin, endpoint):
    client = client_for(admin)
    missing = client.post(URL, new(endpoint="nope"))
    assert missing.status_code == 400
    assert "no webhook endpoint named 'nope'" in missing.json()["detail"]
    bad = client.post(URL, new(event="ON_PUSH"))
    assert bad.status_code == 400
    assert "ADD_ARTIFACT_ALIAS" in bad.json()["detail"]


def test_an_admin_updates_lists_and_deletes(registry, admin, endpoint, slack):
    client = client_for(admin)
    link_new(admin, registry, "zoo")
    assert client.post(URL, new(collection="zoo")).status_code == 201
    changed = client.patch(
        f"{URL}/Model/deploy",
        {"action": "slack", "slack": "#deploys", "enabled": False, "scope_registry": True},
    ).json()
    assert (changed["action"], changed["slack"], changed["endpoint"]) == ("slack", "#deploys", None)
    assert (changed["enabled"], changed["collection"]) == (False, None)
    listed = client.get(f"{URL}?registry=Model&name=DEPLOY").json()
    assert [a["name"] for a in listed] == ["deploy"]
    assert client.delete(f"{URL}/Model/deploy").status_code == 204
    assert not Automation.objects.exists()
    assert client.get(f"{URL}/Model/deploy").status_code == 404


def test_a_settings_page_edit_keeps_the_description(registry, admin, endpoint):
    client_for(admin).post(URL, new(description="kept"))
    automation = Automation.objects.get()
    settings_service.update_automation(
        automation=automation,
        actor=admin,
        enabled=True,
        name="deploy",
        event="LINK_ARTIFACT",
        action="webhook",
        endpoint=endpoint,
    )
    automation.refresh_from_db()
    assert (automation.event, automation.description) == ("LINK_ARTIFACT", "kept")
