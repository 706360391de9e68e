"""Browser tests: Playwright's sync API driving Debian's Chromium against live_server.

Every test in this folder is marked `browser`; without Chromium they skip locally and fail
in CI (see tests/conftest.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in the main thread; Django's ORM
# refuses to run there unless told it is safe (it is: the loop is Playwright's).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "pw-secret-123"  # tests.factories.make_user's default


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def login(live_server):
    """login(page, user): sign in through the real login form."""

    def _login(page, user, password: str = PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(user.get_username())
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return page

    return _login


# Content and helpers for the UI flows (issue 3).

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
browser_db = pytest.mark.django_db(transaction=True)


@pytest.fixture
def zoo_versions(registry, org_admin):
    """Model/zoo with three linked versions (v0, v1, v2), as `link_artifact` leaves them."""
    from tests.factories import link_new

    return [link_new(org_admin, registry, "zoo") for _ in range(3)]


@pytest.fixture
def screenshot(page, tmp_path):
    """screenshot(name): save the current page as <name>.png.

    Into docs/screenshots/ (the README's pictures) with REGISTRY_SCREENSHOTS=1, as
    `make screenshots` sets; otherwise into the test's temporary folder, so an ordinary
    test run does not rewrite committed files.
    """
    folder = SCREENSHOTS if os.environ.get("REGISTRY_SCREENSHOTS") == "1" else tmp_path

    def _shot(name: str, *, full_page: bool = True):
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        assert path.stat().st_size > 0

    return _shot


@pytest.fixture
def axe_check(page):
    """axe_check(): run axe-core on the page; fail on serious or critical findings."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def _check():
        results = axe.run(page)
        bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert not bad, f"{page.url}: " + "; ".join(
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in bad
        )

    return _check


@pytest.fixture(autouse=True)
def _settle_requests(request):
    """Before the database is flushed, wait until the server has answered every request the
    page sent (htmx refreshes fire after the assertions); otherwise PostgreSQL's TRUNCATE
    can deadlock with a request still running in the live server thread."""
    if "page" not in request.fixturenames or "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    page = request.getfixturevalue("page")
    pending: set = set()
    page.on("request", lambda r: pending.add(r))
    page.on("requestfinished", lambda r: pending.discard(r))
    page.on("requestfailed", lambda r: pending.discard(r))
    yield
    for _ in range(100):
        if not pending:
            break
        page.wait_for_timeout(50)
    page.goto("about:blank")
