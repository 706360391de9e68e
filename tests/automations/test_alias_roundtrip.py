"""Property: any alias W&B accepts round-trips through link, resolve, search, the version
page (escaped) and both kinds of notification payload."""

from __future__ import annotations

import itertools
from urllib.parse import quote

import pytest
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from registry.models import Delivery
from registry.names import ALIAS_RE, is_reserved_alias
from registry.services import automation_settings as settings_service
from registry.services.api_keys import create_api_key
from tests.factories import make_source

pytestmark = pytest.mark.django_db

# W&B's rule: 1-128 characters, anything but '/' and ':' (and, here, no control
# characters and no space at either end). `latest` and `vN` are ignored, not stored.
WANDB_ALIASES = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="/:"),
    min_size=1,
    max_size=128,
).filter(lambda name: name == name.strip() and not is_reserved_alias(name))
_collections = itertools.count()


def test_the_strategy_is_the_servers_rule():
    assert ALIAS_RE.fullmatch("prod @eu+1 ✓")
    assert not ALIAS_RE.fullmatch("a/b") and not ALIAS_RE.fullmatch(" a")


@pytest.fixture
def world(registry, admin, member, endpoint):
    slack = settings_service.create_slack(
        registry=registry, channel="#deploys", url="https://hooks.slack.com/x", actor=admin
    )
    for action, target in (("webhook", {"endpoint": endpoint}), ("slack", {"slack": slack})):
        settings_service.create_automation(
            registry=registry,
            actor=admin,
            name=f"tell-{action}",
            event="ADD_ARTIFACT_ALIAS",
            action=action,
            **target,
        )
    _, key = create_api_key(user=member, name="roundtrip")
    api = Client(headers={"Authorization": f"Bearer {key}"})
    page = Client()
    page.force_login(member)
    return {"api": api, "page": page, "source": make_source(member, name="rt")}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(alias=WANDB_ALIASES)
@example(alias="<b>&'\"")
@example(alias="..")
@example(alias="a  b")
@example(alias="İstanbul")
@example(alias="STRASSE ß")
@example(alias="%2F?x#y")
@example(alias="prod@eu+1 🙂")
@example(alias="`code`")
def test_any_wandb_alias_round_trips(world, alias):
    collection = f"rt{next(_collections)}"
    base = f"/api/v1/registries/Model/collections/{collection}/versions"
    src = world["source"]
    source = {"entity": "team", "project": "proj", "artifact": src.artifact.name, "version": "v0"}
    Delivery.objects.all().delete()

    linked = world["api"].post(
        base, {"source": source, "aliases": [alias]}, content_type="application/json"
    )
    assert linked.status_code == 201, linked.content
    assert alias in [c["name"] for c in linked.json()["aliases"]]

    resolved = world["api"].get(f"{base}/{quote(alias, safe='')}")
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["version"] == "v0"

    if len(alias) >= 2:
        found = world["api"].get("/api/v1/search", {"q": alias}).json()["results"]
        holders = [hit for hit in found if alias in [a["name"] for a in hit["aliases"]]]
        assert holders, found
        results_page = world["page"].get("/search/", {"q": alias}).content.decode()
        assert escape(alias) in results_page
        if escape(alias) != alias:
            assert f">{alias}<" not in results_page

    version_page = world["page"].get(f"/registries/Model/{quote(collection)}/v0/")
    assert version_page.status_code == 200
    body = version_page.content.decode()
    assert f'chip-name">{escape(alias)}</span>' in body
    if escape(alias) != alias:
        assert f'chip-name">{alias}</span>' not in body  # never raw in the HTML

    payloads = {
        d.automation.action: d.payload for d in Delivery.objects.select_related("automation")
    }
    assert payloads["webhook"]["alias"] == alias
    slack_alias = alias.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert slack_alias in payloads["slack"]["text"]


def test_slack_quotes_an_alias_that_holds_a_backtick():
    from registry.webhooks.payloads import sample_values, slack_message

    plain = slack_message({**sample_values(), "alias": "prod <eu>"})["text"]
    ticked = slack_message({**sample_values(), "alias": "a`b"})["text"]
    assert "added alias `prod &lt;eu&gt;` to" in plain
    assert "added alias 'a`b' to" in ticked
