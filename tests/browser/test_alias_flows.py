"""The seed page's click paths, word for word, in a real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from registry.services import registries
from tests.browser.conftest import browser_db

ORANGE_FILL = "rgb(254, 240, 199)"  # #FEF0C7
GRAY_FILL = "rgb(234, 236, 240)"  # #EAECF0


def open_version(page, live_server, index: int):
    """Navigate to the registry → View details → View on the version (seed steps 1-3)."""
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Model", exact=True).click()
    page.get_by_role("row").filter(has_text="zoo").get_by_role("link", name="View details").click()
    versions = page.get_by_role("region", name=re.compile("^Versions"))
    versions.get_by_role("row").filter(has_text=f"v{index}").get_by_role(
        "link", name="View"
    ).click()
    expect(page).to_have_url(re.compile(rf"/registries/Model/zoo/v{index}/$"))


def add_alias(page, name: str):
    """Seed step 4: click + next to the Aliases field, type the alias, submit."""
    aliases = page.get_by_role("group", name="Aliases")
    aliases.get_by_role("button", name="Add alias").click()
    field = page.get_by_label("New alias")
    expect(field).to_be_focused()
    field.fill(name)
    field.press("Enter")


@browser_db
def test_a_member_adds_a_custom_alias_and_sees_an_orange_chip(
    page, live_server, login, member, zoo_versions
):
    login(page, member)
    open_version(page, live_server, 1)
    url_before = page.url
    add_alias(page, "best_model")
    chip = page.locator('#aliases [data-alias-kind="custom"]', has_text="best_model")
    expect(chip).to_be_visible()
    expect(chip).to_have_css("background-color", ORANGE_FILL)
    assert page.url == url_before  # added in place, no page load
    # The alias history updates itself after the change.
    expect(page.locator("#history")).to_contain_text("added to v1")


@browser_db
def test_a_member_adds_two_aliases_at_once_as_in_the_seed_example(
    page, live_server, login, member, zoo_versions
):
    login(page, member)
    open_version(page, live_server, 1)
    add_alias(page, "production-us, production-eu")
    for name in ("production-us", "production-eu"):
        chip = page.locator('#aliases [data-alias-kind="custom"]', has_text=name)
        expect(chip).to_be_visible()
        expect(chip).to_have_css("background-color", ORANGE_FILL)


@browser_db
def test_an_admin_protects_production_and_adds_it_as_a_gray_chip_with_a_lock(
    page, live_server, login, admin, zoo_versions
):
    login(page, admin)
    page.get_by_role("link", name="Model", exact=True).click()
    page.get_by_role("link", name="Registry settings").click()
    section = page.get_by_role("region", name="Protected Aliases")
    section.get_by_role("button", name="Add protected alias").click()
    field = page.get_by_label("New protected alias")
    field.fill("production")
    field.press("Enter")
    created = section.locator('[data-alias-kind="protected"]', has_text="production")
    expect(created).to_be_visible()
    expect(created.get_by_role("img", name="protected")).to_be_visible()

    open_version(page, live_server, 2)
    add_alias(page, "production")
    chip = page.locator('#aliases [data-alias-kind="protected"]', has_text="production")
    expect(chip).to_be_visible()
    expect(chip).to_have_css("background-color", GRAY_FILL)
    expect(chip.get_by_role("img", name="protected")).to_be_visible()


@browser_db
def test_a_member_is_refused_production_and_cannot_unlink_its_version(
    page, live_server, login, member, org_admin, registry, zoo_versions
):
    from registry.services.aliases import add_alias as add_alias_service

    registries.create_protected_alias(registry=registry, name="production", actor=org_admin)
    add_alias_service(version=zoo_versions[2], name="production", actor=org_admin)
    login(page, member)
    open_version(page, live_server, 1)
    add_alias(page, "production")
    expect(page.get_by_role("alert")).to_have_text(
        "'production' is a protected alias in registry 'Model'; only registry admins can move it."
    )
    expect(page.locator('#aliases > ul.chips [data-alias-kind="protected"]')).to_have_count(0)

    open_version(page, live_server, 2)
    expect(page.get_by_role("button", name="Unlink v2")).to_have_count(0)
    expect(page.get_by_text("only registry admins can unlink it")).to_be_visible()
    # A forged unlink (the confirmation URL typed by hand) is refused with the reason.
    response = page.goto(page.url + "unlink/")
    assert response.status == 403
    expect(page.get_by_text("holds the protected alias 'production'")).to_be_visible()


@browser_db
def test_a_member_removes_an_alias_after_confirming(page, live_server, login, member, zoo_versions):
    from registry.services.aliases import add_alias as add_alias_service

    add_alias_service(version=zoo_versions[0], name="candidate", actor=member)
    login(page, member)
    open_version(page, live_server, 0)
    # The app's own dialog asks, not the browser's confirm().
    page.on("dialog", lambda dialog: pytest.fail(f"browser dialog: {dialog.message}"))
    page.get_by_role("button", name="Remove alias candidate").click()
    dialog = page.get_by_role("dialog", name="Please confirm")
    expect(dialog).to_contain_text("Remove alias 'candidate' from this version?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.locator("#aliases", has_text="candidate")).to_have_count(1)
    expect(page.get_by_role("button", name="Remove alias candidate")).to_be_focused()
    page.get_by_role("button", name="Remove alias candidate").click()
    dialog.get_by_role("button", name="Remove alias").click()
    expect(page.locator("#aliases", has_text="candidate")).to_have_count(0)
    expect(page.locator("#history")).to_contain_text("removed from v0")
    # Focus stays in the Aliases field instead of falling back to the page.
    expect(page.get_by_role("button", name="Add alias")).to_be_focused()


@browser_db
def test_an_alias_moves_back_with_one_click(page, live_server, login, member, zoo_versions):
    from registry.services.aliases import add_alias as add_alias_service

    add_alias_service(version=zoo_versions[0], name="best_model", actor=member)
    add_alias_service(version=zoo_versions[1], name="best_model", actor=member)
    login(page, member)
    open_version(page, live_server, 1)
    page.get_by_role("button", name="Move best_model back to v0").click()
    expect(page).to_have_url(re.compile(r"/zoo/v1/$"))
    expect(page.locator("#history li").first).to_contain_text("moved v1 → v0")
    expect(page.locator('#aliases [data-alias-kind="custom"]')).to_have_count(0)


@browser_db
def test_a_suggestion_is_added_with_one_click(page, live_server, login, member, zoo_versions):
    from registry.services.aliases import add_alias as add_alias_service

    add_alias_service(version=zoo_versions[0], name="staging", actor=member)
    login(page, member)
    open_version(page, live_server, 1)
    page.get_by_role("group", name="Aliases").get_by_role("button", name="Add alias").click()
    page.get_by_role("group", name="Suggestions").get_by_role("button", name="staging").click()
    expect(page.locator('#aliases [data-alias-kind="custom"]', has_text="staging")).to_be_visible()
    expect(page.locator("#history li").first).to_contain_text("moved v0 → v1")


@browser_db
def test_focus_lands_on_the_new_chip_and_back_on_plus_after_cancel(
    page, live_server, login, member, zoo_versions
):
    login(page, member)
    open_version(page, live_server, 1)
    add_alias(page, "best_model")
    chip = page.locator('#aliases [data-alias-kind="custom"]', has_text="best_model")
    expect(chip).to_be_focused()
    page.get_by_role("group", name="Aliases").get_by_role("button", name="Add alias").click()
    expect(page.get_by_label("New alias")).to_be_focused()
    page.get_by_label("New alias").press("Escape")
    expect(page.get_by_label("New alias")).to_have_count(0)
    expect(page.get_by_role("button", name="Add alias")).to_be_focused()


@browser_db
def test_moving_a_protected_alias_back_asks_and_reports_success(
    page, live_server, login, admin, org_admin, registry, zoo_versions
):
    from registry.services.aliases import add_alias as add_alias_service

    registries.create_protected_alias(registry=registry, name="production", actor=org_admin)
    add_alias_service(version=zoo_versions[0], name="production", actor=org_admin)
    add_alias_service(version=zoo_versions[1], name="production", actor=org_admin)
    login(page, admin)
    open_version(page, live_server, 1)
    page.get_by_role("button", name="Move production back to v0").click()
    dialog = page.get_by_role("dialog", name="Please confirm")
    expect(dialog).to_contain_text("Move the protected alias 'production' back to v0?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.locator("#history li").first).to_contain_text("moved v0 → v1")
    page.get_by_role("button", name="Move production back to v0").click()
    dialog.get_by_role("button", name="Move production to v0").click()
    expect(page.get_by_role("status")).to_contain_text("'production' now on v0 of 'zoo'.")
    expect(page.locator("#history li").first).to_contain_text("moved v1 → v0")
