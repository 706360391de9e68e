"""The live-search popover: Escape and a click outside close it, arrow keys move through it;
and the API docs page renders the schema."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from registry.models import Registry
from tests.factories import link_new

live = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalogue(org_admin):
    model = Registry.objects.get(name="Model")
    link_new(org_admin, model, "zoo-small", aliases=["zoo-best"])
    link_new(org_admin, model, "zoo-large")


def open_popover(page):
    bar = page.get_by_role("searchbox", name="Search")
    bar.press_sequentially("zoo", delay=20)
    popover = page.locator("#search-live")
    expect(popover.get_by_role("link", name="See all results")).to_be_visible()
    return bar, popover


@live
def test_escape_closes_the_popover_and_keeps_the_typed_text(page, login, member, catalogue):
    login(page, member)
    bar, popover = open_popover(page)
    bar.press("Escape")
    expect(popover).to_be_empty()
    expect(bar).to_have_value("zoo")
    expect(bar).to_be_focused()


@live
def test_a_click_outside_closes_the_popover(page, login, member, catalogue):
    login(page, member)
    _, popover = open_popover(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.mouse.click(1200, 700)  # beside the popover, on the page
    expect(popover).to_be_empty()


@live
def test_arrow_keys_move_through_the_results_and_back_to_the_bar(page, login, member, catalogue):
    login(page, member)
    bar, popover = open_popover(page)
    links = popover.get_by_role("link")
    bar.press("ArrowDown")
    expect(links.first).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(links.nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(links.first).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(bar).to_be_focused()
    bar.press("ArrowDown")
    page.keyboard.press("Escape")  # from inside the results: closes, back to the bar
    expect(popover).to_be_empty()
    expect(bar).to_be_focused()


@live
def test_the_api_docs_page_renders_the_schema(page, live_server):
    page.goto(live_server.url + "/api/v1/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(
        page.get_by_text(
            "/api/v1/registries/{registry}/collections/{collection}/versions/{ref}/files/{path}"
        ).first  # GET and HEAD
    ).to_be_visible()
    expect(page.get_by_text("Parser error")).to_have_count(0)
    expect(page.locator("html")).to_have_attribute("lang", "en")
