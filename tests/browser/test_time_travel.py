"""The alias timeline, the "as of" view and the compare page in a real browser: keyboard,
axe at desktop and phone width, and the README's screenshots of them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser_db
from tests.browser.test_every_page import WIDTHS, fits_and_passes_axe

CONFIG = "model:\n  layers: {layers}\n  dropout: {dropout}\ntrain:\n  lr: {lr}\n  epochs: 20\n"


@pytest.fixture
def history(registry, org_admin, clock):
    """Model/zoo over five days: production (protected) and staging moving between four
    versions by two people, one version unlinked; the clock stops after the last change."""
    from registry.services.aliases import add_alias, remove_alias
    from registry.services.linking import unlink_version
    from registry.services.registries import create_protected_alias, set_role
    from tests.factories import link_files, make_user

    alice = make_user("alice")
    set_role(registry=registry, user=alice, role="member", actor=org_admin)
    create_protected_alias(registry=registry, name="production", actor=org_admin)

    def version(n, lr, layers, dropout, aliases=()):
        files = {
            "config.yaml": CONFIG.format(layers=layers, dropout=dropout, lr=lr).encode(),
            "weights.bin": bytes([n]) * (2048 + n),
        }
        meta = {"train": {"lr": lr, "layers": layers}, "eval": {"top1": 0.70 + n / 50}}
        return link_files(alice, registry, files, metadata=meta, aliases=aliases)

    v0 = version(0, 0.1, 12, 0.1, aliases=["staging"])
    clock.advance(hours=6)
    add_alias(version=v0, name="production", actor=org_admin)
    clock.advance(days=1)
    v1 = version(1, 0.05, 12, 0.2, aliases=["staging"])
    clock.advance(hours=20)
    v2 = version(2, 0.05, 16, 0.2, aliases=["staging", "candidate"])
    clock.advance(hours=5)
    add_alias(version=v2, name="production", actor=org_admin)
    clock.advance(hours=18)
    add_alias(version=v0, name="production", actor=org_admin)  # rolled back
    remove_alias(version=v2, name="candidate", actor=alice)
    clock.advance(days=1)
    unlink_version(version=v1, actor=alice)
    v3 = version(3, 0.02, 16, 0.25, aliases=["staging"])
    clock.advance(hours=9)
    add_alias(version=v3, name="production", actor=org_admin)
    clock.advance(hours=3)
    return {"alice": alice, "admin": org_admin, "versions": [v0, v1, v2, v3]}


ZOO = "/registries/Model/zoo/"


@browser_db
def test_timeline_bars_are_links_a_keyboard_reaches(page, live_server, login, history):
    login(page, history["alice"])
    page.goto(live_server.url + ZOO)
    bars = page.locator("svg.timeline a")
    expect(bars).to_have_count(9)  # production 4, staging 4, candidate 1
    bar = page.get_by_role("link", name=re.compile(r"^production on v3 from .* still there$"))
    detail = bar.locator(".bar-detail")
    expect(detail).to_be_hidden()
    bar.focus()
    expect(bar).to_be_focused()
    expect(detail).to_be_visible()  # who moved it and when, under the lanes
    expect(detail).to_have_text(re.compile(r"^production on v3 from .* \(moved by root\)"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/registries/Model/zoo/v3/$"))


@browser_db
def test_as_of_picker_shows_the_collection_as_it_was(page, live_server, login, history):
    login(page, history["alice"])
    page.goto(live_server.url + ZOO)
    page.get_by_label("As of (UTC)").fill("2026-11-02T12:00")
    page.get_by_role("button", name="Show").click()
    expect(
        page.get_by_role("heading", name=re.compile("Versions as of 2026-11-02 12:00"))
    ).to_be_visible()
    rows = page.locator("#versions tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("unlinked since")  # v1, since unlinked


@browser_db
@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_new_pages_pass_axe_and_fit_the_screen(page, live_server, login, history, width):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page.set_viewport_size(WIDTHS[width])
    login(page, history["alice"])
    for path in [ZOO, ZOO + "?at=2026-11-03T06:00Z", ZOO + "compare/v0...v3/", ZOO + "v3/unlink/"]:
        page.goto(live_server.url + path)
        fits_and_passes_axe(page, axe, f"{path} at {width} width")


@browser_db
def test_it_saves_screenshots_of_the_timeline_and_a_comparison(
    page, live_server, login, history, screenshot
):
    page.set_viewport_size({"width": 1280, "height": 800})
    login(page, history["admin"])
    page.goto(live_server.url + ZOO + "?at=2026-11-03T06:00Z")
    page.get_by_role("link", name=re.compile(r"^production on v2 from")).focus()
    screenshot("timeline")
    page.goto(live_server.url + ZOO + "compare/v0...v3/")
    screenshot("compare")
    page.goto(live_server.url + ZOO + "v2/")
    expect(page.locator("#history .diff-summary").first).to_be_visible()  # loaded by htmx
    screenshot("move-back-diff", full_page=False)
