"""Secrets are write-only: no page, fragment, delivery log or log line shows them."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import connection
from django.test import Client
from werkzeug import Response

from registry.models import Automation, Delivery, SlackDestination, WebhookEndpoint
from registry.services.aliases import add_alias
from tests.automations.conftest import run_worker
from tests.factories import link_new

TOKEN = "tok-Zq8-never-show-me"
SECRET = "whsec_" + "c2VjcmV0LXNpZ25pbmcta2V5LWZvci10ZXN0cy0xMjM0NQ=="
SLACK_PATH = "/services/T9/B9/slack-credential-XYZ"


def echo(request):
    """A receiver that answers 500 with everything it was sent, headers included."""
    dump = json.dumps({"headers": dict(request.headers), "url": request.url})
    return Response(dump, status=500)


@pytest.mark.django_db(transaction=True)
def test_secrets_never_appear_in_pages_logs_or_the_delivery_log(
    caplog, settings, httpserver, registry, admin, member
):
    settings.REGISTRY_WEBHOOK_MAX_ATTEMPTS = 1
    caplog.set_level(logging.DEBUG)
    httpserver.expect_request("/hook").respond_with_handler(echo)
    httpserver.expect_request(SLACK_PATH).respond_with_handler(echo)
    client = Client()
    client.force_login(admin)
    base = "/registries/Model/settings/"
    client.post(
        base + "webhooks/new/",
        {"name": "ci", "url": httpserver.url_for("/hook"), "token": TOKEN, "secret": SECRET},
    )
    client.post(base + "slack/new/", {"channel": "#ops", "url": httpserver.url_for(SLACK_PATH)})
    endpoint, slack = WebhookEndpoint.objects.get(), SlackDestination.objects.get()
    for action, target in [("webhook", {"endpoint": endpoint.pk}), ("slack", {"slack": slack.pk})]:
        response = client.post(
            base + "automations/new/",
            {
                "name": action,
                "event": "ADD_ARTIFACT_ALIAS",
                "action": action,
                "enabled": "on",
                **target,
            },
        )
        assert response.status_code == 302
    add_alias(version=link_new(member, registry, "zoo"), name="staging", actor=member)
    run_worker()
    assert {d.status for d in Delivery.objects.all()} == {Delivery.Status.FAILED}
    assert len(httpserver.log) == 2  # both were sent, with their secrets, to the receivers
    sent = json.dumps([dict(req.headers) for req, _ in httpserver.log])
    assert TOKEN in sent

    pages = [
        base + "automations/",
        base + f"webhooks/{endpoint.pk}/",
        "/registries/Model/zoo/v0/automation-preview/?alias=staging",
    ]
    for automation in Automation.objects.all():
        pages += [
            base + f"automations/{automation.pk}/",
            base + f"automations/{automation.pk}/deliveries/",
        ]
        pages.append(("POST", base + f"automations/{automation.pk}/test/"))
    seen = []
    for page in pages:
        method, url = page if isinstance(page, tuple) else ("GET", page)
        # A Test redirects to the log that shows its answer: follow it.
        response = client.post(url, follow=True) if method == "POST" else client.get(url)
        assert response.status_code == 200, url
        seen.append(response.content.decode())
    # Our log lines (werkzeug's are the stand-in receivers' own access logs).
    seen += [record.getMessage() for record in caplog.records if record.name != "werkzeug"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT error, response_excerpt FROM registry_deliveryattempt")
        seen.append(json.dumps(cursor.fetchall()))
        cursor.execute(
            "SELECT token_encrypted, secret_encrypted FROM registry_webhookendpoint "
            "UNION ALL SELECT url_encrypted, '' FROM registry_slackdestination"
        )
        seen.append(json.dumps(cursor.fetchall()))
    everything = "\n".join(seen)
    assert "[redacted]" in everything  # the echoed token was caught in the response excerpt
    for secret in [TOKEN, SECRET, SECRET[6:], "slack-credential-XYZ"]:
        assert secret not in everything


def echo_path(request):
    """A receiver that echoes only its request path and each segment of it, one per line."""
    segments = "\n".join(request.path.split("/"))
    return Response(f"no route for {request.path}\n{segments}", status=404)


@pytest.mark.django_db(transaction=True)
def test_a_slack_receiver_echoing_its_path_shows_no_part_of_it(
    settings, httpserver, registry, admin, member
):
    from registry.services.automation_settings import create_automation, create_slack

    settings.REGISTRY_WEBHOOK_MAX_ATTEMPTS = 1
    path = "/services/T0ABCDEF/B0GHIJKL/xoxSecretPart123"
    httpserver.expect_request(path).respond_with_handler(echo_path)
    slack = create_slack(
        registry=registry, channel="#ops", url=httpserver.url_for(path), actor=admin
    )
    create_automation(
        registry=registry,
        actor=admin,
        name="tell",
        event="ADD_ARTIFACT_ALIAS",
        action="slack",
        slack=slack,
    )
    add_alias(version=link_new(member, registry, "zoo"), name="staging", actor=member)
    run_worker()
    with connection.cursor() as cursor:
        cursor.execute("SELECT error, response_excerpt FROM registry_deliveryattempt")
        logged = json.dumps(cursor.fetchall())
    assert "no route for" in logged and "[redacted]" in logged
    for part in [path, "T0ABCDEF", "B0GHIJKL", "xoxSecretPart123"]:
        assert part not in logged


def test_secret_parts_cover_the_token_and_the_signing_key_without_its_prefix():
    from registry.webhooks.outbox import secret_parts

    assert secret_parts(SECRET) >= {SECRET, SECRET[6:]}
    assert "services" not in secret_parts("https://hooks.slack.com/services/T1234/B5678/abcdef")
    assert {"T1234", "B5678", "abcdef"} <= secret_parts(
        "https://hooks.slack.com/services/T1234/B5678/abcdef"
    )
