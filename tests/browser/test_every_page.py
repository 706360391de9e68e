"""Every page, as the demo's admin, member and viewer, at desktop and phone width: axe finds
nothing serious or critical, and nothing scrolls sideways."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PASSWORD, browser_db

WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
ADMIN_ONLY = {403}  # what members and viewers get on the admin pages
ROLE_USERS = {"admin": "admin", "member": "alice", "viewer": "bob"}


@pytest.fixture
def demo_site(db):
    """The `make run` demo, every demo user with a known password; the pk of its objects."""
    from django.contrib.auth import get_user_model

    from registry.demo import create_demo
    from registry.models import Automation, PromotionRequest, WebhookEndpoint

    create_demo()
    for user in get_user_model().objects.all():
        user.set_password(PASSWORD)
        user.save()
    return {
        "automation": Automation.objects.get(name="deploy-production").pk,
        "endpoint": WebhookEndpoint.objects.get(name="ci").pk,
        "promotion": PromotionRequest.objects.get().pk,
    }


def pages(ids: dict) -> list[tuple[str, dict[str, int]]]:
    """(path, {role: expected status}); a missing role means 200."""
    settings = "/registries/Model/settings/"
    admin_only = {"member": 403, "viewer": 403}
    writers = {"viewer": 403}
    v3 = "/registries/Model/zoo_classifier/v3/"
    return [
        ("/", {}),
        ("/registries/Model/", {}),
        ("/registries/Research/", {"member": 404}),
        ("/registries/Model/zoo_classifier/", {}),
        ("/registries/Model/zoo_classifier/v2/", {}),
        ("/registries/Model/zoo_classifier/compare/v2...v3/", {}),
        (v3, {}),
        (v3 + "aliases/", writers),
        (v3 + "aliases/best_model/remove/", writers),
        ("/registries/Model/zoo_classifier/v1/unlink/", writers),
        ("/registries/Model/zoo_classifier/v2/unlink/", {"member": 403, "viewer": 403}),
        ("/registries/Model/zoo_classifier/delete/", {"member": 403, "viewer": 403}),
        (settings, admin_only),
        (settings + "automations/", admin_only),
        (settings + "automations/new/", admin_only),
        (settings + f"automations/{ids['automation']}/", admin_only),
        (settings + f"automations/{ids['automation']}/deliveries/", admin_only),
        (settings + "webhooks/new/", admin_only),
        (settings + f"webhooks/{ids['endpoint']}/", admin_only),
        (settings + "slack/new/", admin_only),
        (settings + "protected-aliases/production/gates/", admin_only),
        ("/registries/Model/promotions/", {}),
        ("/registries/Model/promotions/board/", {}),
        (f"/registries/Model/promotions/{ids['promotion']}/", {}),
        (v3 + "promotions/", writers),
        ("/search/?q=zoo", {}),
        ("/search/?q=foo:bar", {}),
        ("/search/advanced/?kind=versions&a=alias&k=&o=eq&v=x&a=metadata&k=acc&o=gte&v=0.9", {}),
        ("/search/advanced/?kind=collections&a=alias&k=&o=gte&v=", {}),
        ("/account/api-keys/", {}),
        ("/no/such/page/", {"admin": 404, "member": 404, "viewer": 404}),
    ]


def fits_and_passes_axe(page, axe, where: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert width <= inner, f"{where} scrolls sideways: {width}px wide in a {inner}px window"
    results = axe.run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{where}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in bad
    )


@browser_db
@pytest.mark.parametrize("role", ["admin", "member", "viewer"])
def test_every_page_passes_axe_and_fits_the_screen(page, live_server, login, demo_site, role):
    from axe_playwright_python.sync_playwright import Axe
    from django.contrib.auth import get_user_model

    axe = Axe()
    login(page, get_user_model().objects.get(username=ROLE_USERS[role]))
    for width_name, size in WIDTHS.items():
        page.set_viewport_size(size)
        for path, statuses in pages(demo_site):
            response = page.goto(live_server.url + path)
            expected = statuses.get(role, 200)
            assert response.status == expected, f"{path} as {role}: {response.status}"
            fits_and_passes_axe(page, axe, f"{path} as {role} at {width_name} width")
        if role == "admin":  # the same page for everyone, and a heavy one
            page.goto(live_server.url + "/api/v1/docs")
            page.locator(".swagger-ui .opblock").first.wait_for()
            fits_and_passes_axe(page, axe, f"/api/v1/docs at {width_name} width")
        if role != "viewer":  # the app's confirmation dialog, open
            page.goto(live_server.url + "/registries/Model/zoo_classifier/v3/")
            page.get_by_role("button", name="Remove alias best_model").click()
            page.get_by_role("dialog", name="Please confirm").wait_for()
            fits_and_passes_axe(page, axe, f"confirmation dialog as {role} at {width_name} width")
            page.keyboard.press("Escape")
        # The live search popover, open.
        page.goto(live_server.url + "/registries/Model/")
        page.get_by_role("searchbox", name="Search").press_sequentially("zoo", delay=20)
        page.locator("#search-live a").first.wait_for()
        fits_and_passes_axe(page, axe, f"live search as {role} at {width_name} width")


@browser_db
def test_the_sign_in_page_passes_axe_and_fits_a_phone(page, live_server, demo_site):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for width_name, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.goto(live_server.url + "/accounts/login/")
        fits_and_passes_axe(page, axe, f"sign-in page at {width_name} width")
