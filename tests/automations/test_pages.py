"""Automation settings pages: admins manage; others get 403, strangers 404; forms work."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from registry.models import Automation, Delivery, SlackDestination, WebhookEndpoint
from registry.services import automation_settings
from registry.services.aliases import add_alias
from tests.factories import link_new

pytestmark = pytest.mark.django_db

BASE = "/registries/Model/settings/"


def text(response) -> str:
    return html.unescape(response.content.decode())


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "automations/",
        "automations/new/",
        "webhooks/new/",
        "slack/new/",
    ],
)
@pytest.mark.parametrize(("persona", "status"), [("member", 403), ("viewer", 403), ("admin", 200)])
def test_only_admins_open_management_pages(request, registry, url, persona, status):
    response = client_for(request.getfixturevalue(persona)).get(BASE + url)
    assert response.status_code == status
    if status == 403:
        assert "needs the Admin role" in text(response)


def test_strangers_get_404_for_a_restricted_registry(restricted, stranger, admin):
    response = client_for(stranger).get("/registries/Secret/settings/automations/")
    assert response.status_code == 404
    assert client_for(admin).get("/registries/Secret/settings/automations/").status_code == 200


def test_anonymous_users_are_sent_to_sign_in(registry):
    response = Client().get(BASE + "automations/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_member_cannot_create_an_endpoint(registry, member):
    response = client_for(member).post(
        BASE + "webhooks/new/", {"name": "x", "url": "https://example.com/h"}
    )
    assert response.status_code == 403
    assert not WebhookEndpoint.objects.exists()


def test_an_admin_creates_an_endpoint_with_secrets_that_are_never_shown(registry, admin):
    client = client_for(admin)
    response = client.post(
        BASE + "webhooks/new/",
        {
            "name": "ci",
            "url": "https://ci.example.com/hook",
            "token": "tok-abcdef-123456",
            "secret": "whsec_" + "QUJD" * 11,
        },
    )
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.has_token and endpoint.has_secret
    assert "tok-abcdef" not in endpoint.token_encrypted  # encrypted at rest
    for url in [BASE + "automations/", BASE + f"webhooks/{endpoint.pk}/"]:
        page = client.get(url).content.decode()
        assert "ci.example.com/hook" in page
        assert "tok-abcdef" not in page and "QUJD" not in page


def test_blank_secret_fields_keep_the_stored_secrets(registry, admin):
    endpoint = automation_settings.create_endpoint(
        registry=registry, name="ci", url="https://a.example/h", token="t1", actor=admin
    )
    response = client_for(admin).post(
        BASE + f"webhooks/{endpoint.pk}/", {"name": "ci2", "url": "https://b.example/h"}
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.name, endpoint.url, endpoint.has_token) == ("ci2", "https://b.example/h", True)
    client_for(admin).post(
        BASE + f"webhooks/{endpoint.pk}/",
        {"name": "ci2", "url": "https://b.example/h", "clear_token": "on"},
    )
    endpoint.refresh_from_db()
    assert not endpoint.has_token


def test_generate_shows_a_new_signing_secret_once(registry, admin):
    response = client_for(admin).post(
        BASE + "webhooks/new/", {"name": "ci", "url": "https://a.example/h", "generate": "1"}
    )
    page = text(response)
    assert response.status_code == 200
    assert "it will not be shown again" in page
    assert page.count("whsec_") >= 2  # shown, and filled into the field
    assert not WebhookEndpoint.objects.exists()


def test_an_endpoint_url_must_be_http(registry, admin):
    response = client_for(admin).post(BASE + "webhooks/new/", {"name": "x", "url": "file:///etc"})
    assert response.status_code == 400
    assert "must be an http:// or https:// URL" in text(response)


def test_a_bad_signing_secret_is_refused_with_the_format(registry, admin):
    response = client_for(admin).post(
        BASE + "webhooks/new/", {"name": "x", "url": "https://a.example/h", "secret": "hunter2"}
    )
    assert response.status_code == 400
    assert "starts with 'whsec_'" in text(response)
    assert "hunter2" not in text(response)


def test_an_admin_adds_a_slack_destination_whose_url_is_never_shown(registry, admin):
    client = client_for(admin)
    url = "https://hooks.slack.com/services/T1/B2/sEcReTpArT"
    response = client.post(BASE + "slack/new/", {"channel": "#deployments", "url": url})
    assert response.status_code == 302
    assert SlackDestination.objects.get().channel == "#deployments"
    page = client.get(BASE + "automations/").content.decode()
    assert "#deployments" in page and "sEcReTpArT" not in page


def test_an_admin_creates_an_automation_and_template_errors_name_the_variable(
    registry, admin, endpoint
):
    client = client_for(admin)
    form = {
        "name": "deploy",
        "scope": "",
        "event": "ADD_ARTIFACT_ALIAS",
        "alias_regex": "prod.*",
        "action": "webhook",
        "endpoint": str(endpoint.pk),
        "payload_template": '{"a": "${alias}", "b": "${aliass}"}',
        "enabled": "on",
    }
    response = client.post(BASE + "automations/new/", form)
    assert response.status_code == 400
    assert "Unknown template variable: ${aliass}." in text(response)
    assert not Automation.objects.exists()

    form["payload_template"] = '{"a": "${alias}"}'
    assert client.post(BASE + "automations/new/", form).status_code == 302
    automation = Automation.objects.get()
    assert (automation.alias_regex, automation.enabled, automation.endpoint) == (
        "prod.*",
        True,
        endpoint,
    )
    page = client.get(BASE + f"automations/{automation.pk}/").content.decode()
    assert "deploy" in page


def test_a_bad_alias_regex_is_refused(registry, admin, endpoint):
    response = client_for(admin).post(
        BASE + "automations/new/",
        {
            "name": "d",
            "scope": "",
            "event": "ADD_ARTIFACT_ALIAS",
            "alias_regex": "(",
            "action": "webhook",
            "endpoint": str(endpoint.pk),
        },
    )
    assert response.status_code == 400
    assert "not a valid regular expression" in text(response)


def test_admins_disable_and_delete_automations(registry, admin, member, make_automation):
    automation = make_automation(name="deploy")
    url = BASE + f"automations/{automation.pk}/enabled/"
    assert client_for(member).post(url, {"enabled": "0"}).status_code == 403
    assert client_for(admin).post(url, {"enabled": "0"}).status_code == 302
    automation.refresh_from_db()
    assert not automation.enabled
    assert client_for(admin).get(url).status_code == 405
    client_for(admin).post(BASE + f"automations/{automation.pk}/delete/")
    assert not Automation.objects.exists()


def test_an_endpoint_in_use_cannot_be_deleted(registry, admin, endpoint, make_automation):
    make_automation(name="deploy")
    response = client_for(admin).post(BASE + f"webhooks/{endpoint.pk}/delete/")
    assert response.status_code == 409
    assert "is used by automation 'deploy'" in text(response)


def test_forms_need_a_csrf_token(registry, admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    response = client.post(BASE + "webhooks/new/", {"name": "x", "url": "https://a.example/h"})
    assert response.status_code == 403
    assert not WebhookEndpoint.objects.exists()


def test_the_settings_section_lists_automations_for_admins_only(
    registry, admin, viewer, make_automation
):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from registry.selectors.automations import automations_overview

    make_automation(name="deploy")
    request = RequestFactory().get("/")
    request.user = admin
    context = {"registry": registry, **automations_overview(registry, admin)}
    html = render_to_string("registry/automations/section_body.html", context, request)
    assert "deploy" in html and "Manage automations" in html
    request.user = viewer
    context = {"registry": registry, **automations_overview(registry, viewer)}
    html = render_to_string("registry/automations/section_body.html", context, request)
    assert "1 automation in this registry" in html and "deploy" not in html


def test_the_overview_costs_the_same_queries_for_many_automations(
    registry, admin, make_automation, django_assert_max_num_queries
):
    client = client_for(admin)
    make_automation(name="a0")
    client.get(BASE + "automations/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(BASE + "automations/")
    for n in range(10):
        make_automation(name=f"a{n + 1}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(BASE + "automations/").status_code == 200
    assert len(many) == len(one)


# Preview fragment on the version page


def preview(client, alias, index=0):
    return client.get(f"/registries/Model/zoo/v{index}/automation-preview/", {"alias": alias})


def test_the_preview_names_what_an_alias_will_fire(registry, admin, member, make_automation):
    slack = automation_settings.create_slack(
        registry=registry, channel="#deployments", url="https://hooks.slack.com/x", actor=admin
    )
    make_automation(name="tell", action="slack", slack=slack)
    make_automation(name="deploy", alias_regex="prod.*")
    link_new(member, registry, "zoo")
    client = client_for(member)
    page = preview(client, "production").content.decode()
    assert "This will notify #deployments" in page
    assert "This will call webhook ci" in page
    page = preview(client, "staging").content.decode()
    assert "This will notify #deployments" in page and "call webhook" not in page


def test_the_preview_says_nothing_fires_for_an_alias_already_held(
    registry, member, make_automation
):
    make_automation(name="deploy")
    link_new(member, registry, "zoo", aliases=["staging"])
    page = preview(client_for(member), "staging").content.decode()
    assert "already has 'staging'" in page and "This will" not in page


def test_the_preview_is_for_members_and_hidden_from_strangers(
    registry, restricted, member, viewer, stranger
):
    link_new(member, registry, "zoo")
    assert preview(client_for(viewer), "staging").status_code == 403
    restricted.accepted_types = ["model"]
    restricted.save()
    link_new(member, restricted, "zoo")
    response = client_for(stranger).get(
        "/registries/Secret/zoo/v0/automation-preview/", {"alias": "x"}
    )
    assert response.status_code == 404


# Delivery log, Redeliver, Test


def test_the_log_shows_attempts_and_redeliver_requeues(registry, admin, member, make_automation):
    automation = make_automation(name="deploy")
    add_alias(version=link_new(member, registry), name="staging", actor=member)
    delivery = Delivery.objects.get()
    delivery.status = Delivery.Status.FAILED
    delivery.save()
    delivery.attempt_log.create(
        number=1,
        started_at=delivery.created_at,
        status_code=400,
        latency_ms=12,
        outcome="failed",
        error="HTTP 400; not retried",
        response_excerpt="bad payload",
    )
    client = client_for(admin)
    log_url = BASE + f"automations/{automation.pk}/deliveries/"
    page = client.get(log_url).content.decode()
    assert "bad payload" in page and "12 ms" in page and "HTTP 400; not retried" in page
    assert "Redeliver" in page
    assert client_for(member).get(log_url).status_code == 403

    response = client.post(BASE + f"deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 0)
    response = client.post(BASE + f"deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 400  # still pending: nothing to redeliver yet


def test_the_test_button_sends_a_sample_now_and_shows_the_answer(
    registry, admin, receiver, make_automation
):
    automation = make_automation(name="deploy")
    receiver.replies = [(202, {})]
    client = client_for(admin)
    response = client.post(BASE + f"automations/{automation.pk}/test/", follow=True)
    page = text(response)
    assert response.status_code == 200
    assert "Test result" in page and "HTTP 202" in page
    # POST-redirect-GET: reloading the page shows the answer again and sends nothing.
    ((log_url, status),) = response.redirect_chain
    assert status == 302 and "?test=" in log_url
    assert "HTTP 202" in text(client.get(log_url))
    assert len(receiver.requests) == 1
    assert receiver.json()["alias"] == "staging"
    assert receiver.json()["event_author"] == "admin"
    assert Delivery.objects.get().is_test


def test_the_preview_covers_each_of_several_aliases(registry, member, make_automation):
    make_automation(name="deploy", alias_regex="prod.*")
    link_new(member, registry, "zoo", aliases=["staging"])
    page = preview(client_for(member), "production-eu, staging, candidate").content.decode()
    assert "<strong>'production-eu'</strong>" in page
    assert page.count("This will call webhook ci") == 1
    assert "already has 'staging'" in page
    assert "No automation fires for 'candidate'" in page


def test_the_preview_query_count_does_not_grow_with_the_aliases(registry, member, make_automation):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_automation(name="deploy", alias_regex="prod.*")
    link_new(member, registry, "zoo")
    client = client_for(member)
    preview(client, "warm")
    with CaptureQueriesContext(connection) as one:
        preview(client, "production")
    with CaptureQueriesContext(connection) as several:
        preview(client, "production, staging, candidate, prod-eu")
    assert len(several) == len(one)


def test_generating_a_signing_secret_keeps_the_typed_token(registry, admin, receiver):
    import re

    client = client_for(admin)
    typed = {"name": "ci", "url": "https://ci.example.com/h", "token": "tok-typed-123"}
    page = text(client.post(BASE + "webhooks/new/", {**typed, "generate": "1"}))
    # The page comes back with both fields filled, as the browser will send them on Save.
    fields = dict(re.findall(r'<input id="id_(token|secret)"[^>]* value="([^"]*)"', page))
    assert fields["token"] == "tok-typed-123"
    assert fields["secret"].startswith("whsec_")
    response = client.post(BASE + "webhooks/new/", {**typed, "secret": fields["secret"]})
    assert response.status_code == 302
    assert WebhookEndpoint.objects.get().has_token


def test_the_form_says_the_alias_filter_is_searched(registry, admin, endpoint):
    page = text(client_for(admin).get(BASE + "automations/new/"))
    assert "Searched in the alias, ignoring case, as W&B's matches_regex" in page
    assert "write ^prod$ to match the whole alias only" in page
