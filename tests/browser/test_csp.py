"""The Content-Security-Policy blocks nothing the pages use: htmx and Swagger UI still work."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import browser_db
from tests.browser.test_alias_flows import add_alias, open_version


def csp_violations(page) -> list[str]:
    """Collect what the browser refused under the policy (it logs each refusal)."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text)
        if "Content Security Policy" in message.text or "Refused to" in message.text
        else None,
    )
    return refused


@browser_db
def test_htmx_updates_pages_under_the_policy(page, live_server, login, member, zoo_versions):
    refused = csp_violations(page)
    login(page, member)
    open_version(page, live_server, 1)
    url_before = page.url
    add_alias(page, "best_model")
    expect(
        page.locator('#aliases [data-alias-kind="custom"]', has_text="best_model")
    ).to_be_visible()
    assert page.url == url_before  # swapped in place by htmx, not a page load
    page.get_by_label("Search").fill("zoo")
    expect(page.locator("#search-live")).to_contain_text("zoo")
    assert refused == []


@browser_db
def test_the_swagger_page_renders_under_the_policy(page, live_server, login, member):
    refused = csp_violations(page)
    login(page, member)
    response = page.goto(live_server.url + "/api/v1/docs")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    expect(page.get_by_text(re.compile("^Registry API"))).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    page.locator(".opblock-summary", has_text="/api/v1/viewer").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table")).to_contain_text(member.get_username())
    assert refused == []
