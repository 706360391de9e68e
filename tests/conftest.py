"""Personas and registries shared by every test.

Personas per registry role (healthchecks style): `org_admin` (superuser), and for the
`registry` fixture (organization visibility) an `admin`, a `member`, a `viewer`, a
`restricted_viewer`; `stranger` has no role anywhere. `restricted` is a restricted
registry in which the same personas hold the same roles (the stranger sees nothing).
"""

from __future__ import annotations

import importlib
import os
import shutil
import threading

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

from registry import permissions
from registry.models import Registry
from registry.services import registries
from tests.factories import make_user

ROLE_PERSONAS = {
    "admin": permissions.ADMIN,
    "member": permissions.MEMBER,
    "viewer": permissions.VIEWER,
    "restricted_viewer": permissions.RESTRICTED_VIEWER,
}


class _OneRequestAtATimeWhenSharing(ThreadedWSGIServer):
    """The live server, handling one request at a time when its threads share the test
    thread's database connection (SQLite's in-memory test database).

    One sqlite3 connection used by two threads at once can deadlock: a thread running a
    statement holds the connection's mutex and needs the GIL for a Python SQL function
    (`registry.db`'s LOWER), while the other holds the GIL and waits for the mutex in a
    cursor call. Requests are served whole (streamed bodies read) inside one lock; separate
    connections (PostgreSQL) keep serving in parallel.
    """

    _lock = threading.Lock()

    def set_app(self, application):
        if not self.connections_override:
            return super().set_app(application)

        def one_at_a_time(environ, start_response):
            with self._lock:
                response = application(environ, start_response)
                try:
                    return [b"".join(response)]
                finally:
                    if hasattr(response, "close"):
                        response.close()

        return super().set_app(one_at_a_time)


LiveServerThread.server_class = _OneRequestAtATimeWhenSharing


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    return "transactional_db" in request.fixturenames or "live_server" in request.fixturenames


@pytest.fixture(autouse=True)
def _core_data_after_flushes(request):
    """Give every database test the rows migrations create (core registries, permissions).

    Transactional tests (live server, worker) end by flushing every table, which removes
    the core registries of the data migration, and with `serialized_rollback` also the
    content types and permissions guardian needs; any later test would start without them.
    """
    if _is_transactional(request):
        request.getfixturevalue("transactional_db")
    elif request.node.get_closest_marker("django_db") or "db" in request.fixturenames:
        request.getfixturevalue("db")
    else:
        return
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.management import create_contenttypes
    from django.contrib.contenttypes.models import ContentType

    if not Permission.objects.filter(codename="role_admin").exists():
        ContentType.objects.clear_cache()
        for app_config in apps.get_app_configs():
            create_contenttypes(app_config, verbosity=0)
            create_permissions(app_config, verbosity=0)
    ensure_core_registries()


def ensure_core_registries() -> None:
    from django.apps import apps

    importlib.import_module("registry.migrations.0002_core_registries").create_core(apps, None)


@pytest.fixture
def org_admin(db):
    return make_user("root", superuser=True)


@pytest.fixture
def personas(db, org_admin):
    return {name: make_user(name) for name in [*ROLE_PERSONAS, "stranger"]}


@pytest.fixture
def admin(personas):
    return personas["admin"]


@pytest.fixture
def member(personas):
    return personas["member"]


@pytest.fixture
def viewer(personas):
    return personas["viewer"]


@pytest.fixture
def restricted_viewer(personas):
    return personas["restricted_viewer"]


@pytest.fixture
def stranger(personas):
    return personas["stranger"]


def _grant_all(registry, personas, org_admin):
    for name, role in ROLE_PERSONAS.items():
        registries.set_role(registry=registry, user=personas[name], role=role, actor=org_admin)


@pytest.fixture
def registry(db, personas, org_admin):
    """The core Model registry, with every persona's role granted."""
    ensure_core_registries()
    reg = Registry.objects.get(name="Model")
    _grant_all(reg, personas, org_admin)
    return reg


@pytest.fixture
def restricted(db, personas, org_admin):
    reg = registries.create_registry(
        name="Secret",
        actor=org_admin,
        visibility=Registry.Visibility.RESTRICTED,
        accepted_types=["model", "dataset"],
    )
    _grant_all(reg, personas, org_admin)
    return reg


@pytest.fixture
def is_postgres():
    from django.db import connection

    return connection.vendor == "postgresql"


# Browser tests (Playwright + Debian's Chromium). See ../shared/STACK-NOTES.md.


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path(),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


def pytest_collection_modifyitems(config, items):
    if chromium_path():
        return
    reason = "Chromium is not installed (apt-get install -y chromium, or set CHROMIUM_PATH)"
    browser_items = [
        item for item in items if "browser" in item.keywords or "/browser/" in str(item.path)
    ]
    if browser_items and os.environ.get("CI"):
        # CI must not pass without the browser tests.
        raise pytest.UsageError(f"Browser tests cannot run in CI: {reason}.")
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=reason))


class Clock:
    """The time Django's `timezone.now()` tells, moved by the test (history needs days)."""

    def __init__(self, start):
        self.now = start

    def advance(self, **delta):
        import datetime

        self.now += datetime.timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """Stops the clock at 2026-11-01T00:00:00Z; `clock.advance(minutes=5)` moves it."""
    import datetime

    from django.utils import timezone

    fixed = Clock(datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC))
    monkeypatch.setattr(timezone, "now", lambda: fixed.now)
    return fixed
