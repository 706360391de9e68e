"""Every main page: accessibility (axe), keyboard, no-JavaScript use, and screenshots."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, browser_db


@pytest.fixture
def demo(db):
    """The `make run` demo content; returns its org admin and member with known passwords."""
    from django.contrib.auth import get_user_model

    from registry.demo import create_demo

    create_demo()
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["admin", "alice"])
    }
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
    return users


MAIN_PAGES = [
    ("home", "/"),
    ("registry", "/registries/Model/"),
    ("collection", "/registries/Model/zoo_classifier/"),
    ("version", "/registries/Model/zoo_classifier/v2/"),
    ("settings", "/registries/Model/settings/"),
]


@browser_db
def test_main_pages_have_no_serious_accessibility_findings(
    page, live_server, login, demo, axe_check
):
    login(page, demo["admin"])
    for _, path in MAIN_PAGES:
        page.goto(live_server.url + path)
        axe_check()
    # A confirmation page and the open Add protected alias input.
    page.goto(live_server.url + "/registries/Model/zoo_classifier/v0/unlink/")
    axe_check()
    page.goto(live_server.url + "/registries/Model/settings/")
    page.get_by_role("button", name="Add protected alias").click()
    expect(page.get_by_label("New protected alias")).to_be_visible()
    axe_check()
    # The open Add alias input, with its suggestions, too.
    page.goto(live_server.url + "/registries/Model/zoo_classifier/v3/")
    page.get_by_role("button", name="Add alias").click()
    expect(page.get_by_label("New alias")).to_be_visible()
    axe_check()


@browser_db
def test_member_pages_have_no_serious_accessibility_findings(
    page, live_server, login, demo, axe_check
):
    login(page, demo["alice"])
    for _, path in MAIN_PAGES[:4]:
        page.goto(live_server.url + path)
        axe_check()
    # Refusals are pages too: settings are for admins only.
    response = page.goto(live_server.url + "/registries/Model/settings/")
    assert response.status == 403
    expect(page.get_by_text("needs the Admin role")).to_be_visible()
    axe_check()


@browser_db
def test_the_slash_key_focuses_the_search_bar(page, live_server, login, demo):
    login(page, demo["alice"])
    page.goto(live_server.url + "/registries/Model/")
    page.keyboard.press("/")
    expect(page.get_by_role("searchbox", name="Search")).to_be_focused()


@browser_db
def test_aliases_can_be_added_and_removed_without_javascript(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + "/registries/Model/zoo_classifier/v0/")
    page.get_by_role("button", name="Add alias").click()
    expect(page).to_have_url(re.compile(r"/v0/aliases/\??$"))
    page.get_by_label("New alias").fill("baseline")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page).to_have_url(re.compile(r"/v0/$"))
    expect(page.locator('#aliases [data-alias-kind="custom"]', has_text="baseline")).to_be_visible()
    # Removing asks on a confirmation page first.
    page.get_by_role("button", name="Remove alias baseline").click()
    expect(page.get_by_text("Remove alias 'baseline' from v0 of 'zoo_classifier'?")).to_be_visible()
    page.get_by_role("button", name="Remove alias baseline").click()
    expect(page).to_have_url(re.compile(r"/v0/$"))
    expect(page.locator("#aliases", has_text="baseline")).to_have_count(0)
    context.close()


@browser_db
def test_it_saves_screenshots_of_the_main_pages(
    page, live_server, login, demo, screenshot, httpserver, settings
):
    from registry.models import Automation, WebhookEndpoint
    from registry.services import automation_settings

    page.set_viewport_size({"width": 1280, "height": 800})
    login(page, demo["admin"])
    for name, path in MAIN_PAGES:
        page.goto(live_server.url + path)
        screenshot(name)
    page.goto(live_server.url + "/registries/Model/zoo_classifier/v3/")
    page.get_by_role("button", name="Add alias").click()
    page.get_by_label("New alias").fill("prod")
    screenshot("add-alias", full_page=False)

    # Automations: the demo's, with the webhook pointed at a local receiver and tested once.
    settings.REGISTRY_WEBHOOK_ALLOW_PRIVATE = True
    httpserver.expect_request("/hooks/registry").respond_with_json({"ok": True})
    endpoint = WebhookEndpoint.objects.get(name="ci")
    automation_settings.update_endpoint(
        endpoint=endpoint,
        name="ci",
        url=httpserver.url_for("/hooks/registry"),
        actor=demo["admin"],
    )
    automation = Automation.objects.get(name="deploy-production")
    base = live_server.url + "/registries/Model/settings/"
    page.goto(base + "automations/")
    screenshot("automations")
    page.goto(base + f"automations/{automation.pk}/")
    screenshot("automation-form")
    page.goto(base + f"automations/{automation.pk}/deliveries/")
    page.get_by_role("button", name="Test").click()
    expect(page.get_by_role("heading", name="Test result")).to_be_visible()
    screenshot("delivery-log")
    page.goto(base + f"webhooks/{endpoint.pk}/")
    screenshot("webhook-endpoint")
    page.goto(live_server.url + "/account/api-keys/")
    page.get_by_label("Name").fill("training cluster")
    page.get_by_role("button", name="Create key").click()
    screenshot("api-keys")
    page.goto(live_server.url + "/search/?q=production")
    screenshot("search")
    page.goto(live_server.url + "/registries/Model/zoo_classifier/v2/unlink/")
    screenshot("unlink-confirm", full_page=False)

    page.set_viewport_size({"width": 390, "height": 844})
    for name, path in [
        ("version-phone", "/registries/Model/zoo_classifier/v2/"),
        ("collection-phone", "/registries/Model/zoo_classifier/"),
        ("automations-phone", "/registries/Model/settings/automations/"),
    ]:
        page.goto(live_server.url + path)
        screenshot(name)


@browser_db
def test_main_pages_fit_a_phone_screen(page, live_server, login, demo):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, demo["admin"])
    for _, path in MAIN_PAGES:
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide at phone width"
