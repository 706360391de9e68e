"""Outbound URLs cannot reach the server's own network unless the operator allows it."""

from __future__ import annotations

import pytest

from registry.webhooks import http

REFUSED = [
    ("http://127.0.0.1:9/hook", "loopback"),
    ("http://10.1.2.3/hook", "private"),
    ("http://192.168.0.10/hook", "private"),
    ("http://172.16.5.4/hook", "private"),
    ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
    ("http://169.254.10.10/hook", "link-local"),
    ("http://[::1]:9/hook", "loopback"),
    ("http://[fe80::1]/hook", "link-local"),
    ("http://[::ffff:127.0.0.1]/hook", "loopback"),
    ("http://0.0.0.0/hook", "non-public"),
    ("http://localhost:9/hook", "loopback"),  # a DNS name that resolves to loopback
]


@pytest.mark.parametrize(("url", "kind"), REFUSED)
def test_it_refuses_non_public_addresses(settings, url, kind):
    settings.REGISTRY_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(http.BlockedAddress) as exc:
        http.post_json(url, "{}", {})
    assert f"it is a {kind} address" in str(exc.value)
    assert "REGISTRY_WEBHOOK_ALLOW_PRIVATE" in str(exc.value)


def test_it_refuses_before_sending_anything(settings, httpserver):
    settings.REGISTRY_WEBHOOK_ALLOW_PRIVATE = False
    httpserver.expect_request("/hook").respond_with_data("ok")
    with pytest.raises(http.BlockedAddress):
        http.post_json(httpserver.url_for("/hook"), "{}", {})
    assert httpserver.log == []


def test_the_operator_can_allow_private_targets(settings, httpserver):
    settings.REGISTRY_WEBHOOK_ALLOW_PRIVATE = True
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    answer = http.post_json(httpserver.url_for("/hook"), "{}", {})
    assert (answer.status_code, answer.excerpt) == (200, "ok")


def test_public_addresses_pass_the_check():
    assert http.address_kind("93.184.216.34") is None
    assert http.address_kind("2606:2800:220:1:248:1893:25c8:1946") is None


def test_redirects_are_not_followed(settings, httpserver):
    settings.REGISTRY_WEBHOOK_ALLOW_PRIVATE = True
    httpserver.expect_request("/hook").respond_with_data(
        "", status=302, headers={"Location": "http://169.254.169.254/"}
    )
    answer = http.post_json(httpserver.url_for("/hook"), "{}", {})
    assert answer.status_code == 302
    assert len(httpserver.log) == 1


@pytest.mark.django_db(transaction=True)
def test_a_delivery_to_a_refused_address_fails_at_once_with_the_reason(
    settings, registry, admin, member
):
    from registry.models import Delivery
    from registry.services import automation_settings
    from registry.services.aliases import add_alias
    from tests.automations.conftest import run_worker
    from tests.factories import link_new

    settings.REGISTRY_WEBHOOK_ALLOW_PRIVATE = False
    endpoint = automation_settings.create_endpoint(
        registry=registry, name="inside", url="http://localhost:9/hook", actor=admin
    )
    automation_settings.create_automation(
        registry=registry,
        actor=admin,
        name="a",
        event="ADD_ARTIFACT_ALIAS",
        action="webhook",
        endpoint=endpoint,
    )
    add_alias(version=link_new(member, registry), name="staging", actor=member)
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    assert "it is a loopback address" in delivery.attempt_log.get().error


@pytest.mark.django_db
def test_saving_a_literal_private_address_is_refused_at_once(settings, registry, admin):
    from registry.errors import Invalid
    from registry.services import automation_settings

    settings.REGISTRY_WEBHOOK_ALLOW_PRIVATE = False
    for url in ["http://10.0.0.8/hook", "http://[::1]:8080/", "http://169.254.169.254/"]:
        with pytest.raises(Invalid) as exc:
            automation_settings.create_endpoint(registry=registry, name="x", url=url, actor=admin)
        assert "REGISTRY_WEBHOOK_ALLOW_PRIVATE=1" in exc.value.message
    with pytest.raises(Invalid) as exc:
        automation_settings.create_slack(
            registry=registry, channel="#x", url="http://127.0.0.1/s", actor=admin
        )
    assert "points at a loopback address" in exc.value.message
