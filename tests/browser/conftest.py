"""Browser tests: Playwright's sync API driving Debian's Chromium against live_server.

Every test in this folder is marked `browser`; without Chromium they skip locally and fail
in CI (see tests/conftest.py).
"""

from __future__ import annotations

import os

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
