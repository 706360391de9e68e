"""Promotion in a real Chromium: a member asks, an admin approves, the chip moves."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from registry.services import gates, registries
from registry.services.aliases import add_alias as add_alias_service
from registry.services.linking import link_version
from tests.browser.conftest import browser_db
from tests.browser.test_alias_flows import GRAY_FILL, add_alias, open_version
from tests.factories import make_source

ACCURACY = [0.88, 0.93, 0.91]


@pytest.fixture
def scored_zoo(registry, org_admin):
    """Model/zoo v0-v2 with an accuracy each; production (gated on accuracy) on v0."""
    registries.create_protected_alias(registry=registry, name="production", actor=org_admin)
    versions = []
    for accuracy in ACCURACY:
        source = make_source(
            org_admin, name="zoo-model", metadata={"accuracy": accuracy, "epochs": 12}
        )
        linked, _ = link_version(
            registry=registry, collection_name="zoo", source=source, aliases=(), actor=org_admin
        )
        versions.append(linked)
    add_alias_service(version=versions[0], name="production", actor=org_admin)
    # Gated after v0 got it (v0 would not pass): the moves from here on must.
    gates.set_policy(
        registry=registry,
        name="production",
        required_approvals=1,
        conditions={"metadata.accuracy": {"$gte": 0.9}},
        require_finished_run=False,
        actor=org_admin,
    )
    return versions


def as_admin(browser, live_server, admin):
    from tests.browser.conftest import PASSWORD

    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(admin.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page


def request_from_version_page(page, live_server, index: int, reason: str):
    open_version(page, live_server, index)
    add_alias(page, "production")
    expect(page.get_by_role("alert")).to_contain_text("only registry admins can move it")
    page.get_by_role("link", name=f"Request promotion of 'production' to v{index}").click()
    expect(page.get_by_label("Protected alias")).to_have_value("production")
    page.get_by_label("Reason").fill(reason)
    page.get_by_role("button", name="Request promotion").click()
    expect(page).to_have_url(re.compile(r"/registries/Model/promotions/\d+/$"))
    expect(page.locator("#promotion-status")).to_have_text("Pending")
    return page.url


@browser_db
def test_a_member_requests_and_an_admin_approves_in_one_click_screenshot(
    page, browser, live_server, login, member, admin, scored_zoo, screenshot, axe_check
):
    login(page, member)
    request_url = request_from_version_page(page, live_server, 1, "0.93 on the holdout set")
    expect(page.locator("#promotion-move")).to_contain_text("From v0 → v1")
    expect(page.locator("#changes-summary")).to_contain_text(
        "1 file changed; 1 metadata key changed"
    )
    checklist = page.locator("#gate-checklist")
    expect(checklist.get_by_role("row").filter(has_text="metadata.accuracy")).to_contain_text(
        "0.93"
    )
    expect(checklist).to_contain_text("waiting")
    screenshot("promotion-request")
    axe_check()

    approver = as_admin(browser, live_server, admin)
    approver.goto(live_server.url + "/registries/Model/")
    approver.get_by_role("link", name=re.compile("^Promotions")).click()
    row = approver.get_by_role("row").filter(has_text="0.93 on the holdout set")
    row.get_by_label(re.compile("^Comment on")).fill("numbers hold up")
    row.get_by_role("button", name="Approve").click()
    expect(approver.get_by_role("status")).to_contain_text("is now on v1")

    page.goto(request_url)
    expect(page.locator("#promotion-status")).to_have_text("Approved")
    expect(page.locator("#decided")).to_contain_text("numbers hold up")
    approver.context.close()  # its keep-alive connections end before the server stops
    open_version(page, live_server, 1)
    chip = page.locator('#aliases [data-alias-kind="protected"]', has_text="production")
    expect(chip).to_be_visible()
    expect(chip).to_have_css("background-color", GRAY_FILL)
    history = page.locator("#history")
    expect(history.get_by_role("link", name=re.compile(r"^request #\d+$"))).to_be_visible()
    expect(history).to_contain_text("moved v0 → v1")
    page.goto(live_server.url + "/registries/Model/promotions/board/")
    board = page.locator("#board")
    expect(board.get_by_role("row").filter(has_text="zoo")).to_contain_text("v1")
    expect(board.get_by_role("link", name=re.compile(r"^request #\d+$"))).to_be_visible()
    axe_check()


@browser_db
def test_a_stale_approval_is_refused_with_what_changed(
    page, browser, live_server, login, member, admin, org_admin, scored_zoo
):
    login(page, member)
    request_url = request_from_version_page(page, live_server, 1, "retrained on more data")
    add_alias_service(version=scored_zoo[2], name="production", actor=org_admin)

    approver = as_admin(browser, live_server, admin)
    approver.goto(request_url)
    expect(approver.locator("#stale-note")).to_contain_text("now on v2")
    approver.get_by_role("button", name="Approve").click()
    expect(approver.get_by_role("alert")).to_contain_text(
        "it was on v0 and is now on v2 (changed by root"
    )
    approver.context.close()
    open_version(page, live_server, 2)
    expect(
        page.locator('#aliases [data-alias-kind="protected"]', has_text="production")
    ).to_be_visible()
    page.goto(request_url)
    page.get_by_role("button", name="Re-confirm from v2").click()
    expect(page.get_by_role("status")).to_contain_text("from where it is now")
    expect(page.locator("#promotion-move")).to_contain_text("From v2 → v1")
    expect(page.locator("#stale-note")).to_have_count(0)
