"""Advanced search in a browser: build three filter rows with htmx, share the URL with a
user who may see less, and compare with the SDK's filter for the same predicate."""

from __future__ import annotations

import re

import registry_sdk as wandb
from playwright.sync_api import expect

from registry.services.linking import link_version
from registry.services.tags import add_version_tags
from tests.browser.conftest import browser_db
from tests.factories import make_source
from tests.sdk.conftest import sdk_as  # noqa: F401 (a fixture)

FILTER = {
    "$and": [
        {"tag": {"$eq": "best"}},
        {"metadata.accuracy": {"$gte": 0.9}},
        {"created_at": {"$gte": "2000-01-01"}},
    ]
}


def link(actor, registry, collection, accuracy, tags=()):
    source = make_source(actor, name=f"{collection}-{accuracy}", metadata={"accuracy": accuracy})
    version, _ = link_version(
        registry=registry, collection_name=collection, source=source, aliases=[], actor=actor
    )
    if tags:
        add_version_tags(version=version, names=list(tags), actor=actor)
    return version


def names_on(page) -> list[str]:
    return page.locator(".search-hit__name").all_inner_texts()


def wait_for(page, fragment: str) -> None:
    """The swap that pushes `fragment` into the address bar has landed and settled: a
    change made to the old form while htmx swaps it out would be lost."""
    expect(page).to_have_url(re.compile(re.escape(fragment)))
    page.wait_for_function(
        "() => !document.querySelector("
        "'.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


@browser_db
def test_a_shared_advanced_query_shows_each_user_what_they_may_see(
    page,
    live_server,
    login,
    member,
    stranger,
    registry,
    restricted,
    org_admin,
    sdk_as,  # noqa: F811
):
    link(org_admin, registry, "resnet", 0.95, tags=["best"])
    link(org_admin, registry, "resnet", 0.5, tags=["best"])
    link(org_admin, registry, "bert", 0.97)
    link(org_admin, restricted, "secret-zoo", 0.99, tags=["best"])
    login(page, member)

    page.get_by_role("link", name="Advanced search").first.click()
    expect(page.get_by_role("heading", name="Advanced search")).to_be_visible()
    rows = page.locator("li.advanced-row select[name=a]")
    for n in (1, 2, 3):
        page.get_by_role("button", name="Add row").click()
        expect(rows).to_have_count(n)
    wait_for(page, "a=alias&k=&o=eq&v=&a=alias&k=&o=eq&v=&a=alias")

    page.get_by_label("Row 1 attribute").select_option(label="Tag")
    wait_for(page, "a=tag")
    page.get_by_label("Row 1 value").fill("best")
    page.get_by_label("Row 1 value").press("Tab")
    wait_for(page, "v=best")

    page.get_by_label("Row 2 attribute").select_option(label="Metadata key")
    wait_for(page, "a=metadata")
    page.get_by_label("Row 2 metadata key").fill("accuracy")
    page.get_by_label("Row 2 metadata key").press("Tab")
    wait_for(page, "k=accuracy")
    page.get_by_label("Row 2 operator").select_option(label="≥")
    wait_for(page, "o=gte")
    page.get_by_label("Row 2 value").fill("0.9")
    page.get_by_label("Row 2 value").press("Tab")
    wait_for(page, "v=0.9")

    page.get_by_label("Row 3 attribute").select_option(label="Created")
    wait_for(page, "a=created_at")
    page.get_by_label("Row 3 value").fill("2000-01-01")
    page.get_by_role("button", name="Search", exact=True).click()
    wait_for(page, "v=2000-01-01")

    expect(page.locator(".search-hit__name")).to_have_count(2)
    member_sees = names_on(page)
    assert member_sees == ["Model/resnet:v0", "Secret/secret-zoo:v0"]
    expect(page.locator(".advanced-why").first).to_have_text("tag best")
    shared = page.url

    sdk_as(member)
    by_sdk = [
        f"{a.registry}/{a.collection}:{a.version}"
        for a in wandb.Api().registries().versions(filter=FILTER)
    ]
    assert by_sdk == member_sees

    page.get_by_role("button", name="Sign out").click()
    login(page, stranger)
    page.goto(shared)
    expect(page.get_by_label("Row 2 metadata key")).to_have_value("accuracy")
    expect(page.locator(".search-hit__name")).to_have_count(1)
    stranger_sees = names_on(page)
    assert stranger_sees == ["Model/resnet:v0"]
    assert "secret" not in page.content().lower()

    sdk_as(stranger)
    by_sdk = [
        f"{a.registry}/{a.collection}:{a.version}"
        for a in wandb.Api().registries().versions(filter=FILTER)
    ]
    assert by_sdk == stranger_sees
