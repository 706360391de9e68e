"""Promotion events through the outbox and the real worker, to local receivers."""

from __future__ import annotations

import pytest
from standardwebhooks import Webhook

from registry.services import promotions
from registry.services.automation_settings import create_slack
from tests.automations.conftest import SIGNING_SECRET, run_worker
from tests.promotions.conftest import ask

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_request_calls_the_webhook_with_the_request_url(
    registry, zoo, alice, receiver, make_automation
):
    make_automation(name="reviews", event="PROMOTION_REQUESTED", alias_regex="^production$")
    request = ask(registry, zoo[1], alice, reason="0.93 on holdout")
    run_worker()
    assert len(receiver.requests) == 1
    payload = Webhook(SIGNING_SECRET).verify(
        receiver.requests[0]["body"], receiver.requests[0]["headers"]
    )
    assert payload["event_type"] == "PROMOTION_REQUESTED"
    assert payload["promotion_url"] == (
        f"http://127.0.0.1:8000/registries/Model/promotions/{request.pk}/"
    )
    assert (payload["alias"], payload["artifact_version"], payload["previous_version"]) == (
        "production",
        "v1",
        "v0",
    )
    assert (payload["event_author"], payload["promotion_reason"]) == ("alice", "0.93 on holdout")


def test_approvals_and_rejections_reach_slack_with_the_comment(
    registry, zoo, alice, admin, slack_receiver, make_automation
):
    slack = create_slack(
        registry=registry, channel="#approvers", url=slack_receiver.url, actor=admin
    )
    make_automation(name="approved", event="PROMOTION_APPROVED", action="slack", slack=slack)
    make_automation(name="rejected", event="PROMOTION_REJECTED", action="slack", slack=slack)
    first = ask(registry, zoo[1], alice)
    promotions.reject(promotion=first, actor=admin, comment="holdout leaked")
    second = ask(registry, zoo[1], alice, reason="new holdout")
    promotions.approve(promotion=second, actor=admin, comment="ship it")
    run_worker()
    assert len(slack_receiver.requests) == 2
    base = "http://127.0.0.1:8000/registries/Model"
    messages = {slack_receiver.json(n)["text"] for n in range(2)}
    assert messages == {
        f"*admin* rejected <{base}/promotions/{first.pk}/|promotion of `production`> to "
        f"<{base}/zoo/v1/|zoo:v1> in registry *Model*: holdout leaked",
        f"*admin* approved <{base}/promotions/{second.pk}/|promotion of `production`> to "
        f"<{base}/zoo/v1/|zoo:v1> (was on v0) in registry *Model*: ship it",
    }
