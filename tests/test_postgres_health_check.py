"""registry.backends.postgresql: a persistent connection is checked without a round trip
while it is healthy, and a connection the server dropped is still found out."""

from __future__ import annotations

import select

import pytest
from django.db import connection as default_connection
from django.db.backends.postgresql import base as django_base

from registry.backends.postgresql.base import DatabaseWrapper, has_pending_input

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def own_connection(monkeypatch):
    """A connection of its own to the test database, and the count of `SELECT 1` checks
    Django's own health check sent through it."""
    if default_connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's backend")
    settings = {
        **default_connection.settings_dict,
        "CONN_HEALTH_CHECKS": True,
        "CONN_MAX_AGE": 600,  # persistent, as served
    }
    # Named as the default connection: django.contrib.postgres looks its alias up when
    # the connection opens.
    wrapper = DatabaseWrapper(settings, alias="default")
    round_trips = []
    original = django_base.DatabaseWrapper.is_usable

    def counted(self):
        round_trips.append("SELECT 1")
        return original(self)

    monkeypatch.setattr(django_base.DatabaseWrapper, "is_usable", counted)
    wrapper.ensure_connection()
    yield wrapper, round_trips
    wrapper.close()


def backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminated(wrapper) -> int:
    """End the wrapper's server process from another connection, as a restart would; its
    pid, once the server's goodbye (sent asynchronously) has reached the socket."""
    pid = backend_pid(wrapper)
    with default_connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    poller = select.poll()
    poller.register(wrapper.connection.fileno(), select.POLLIN | select.POLLHUP | select.POLLERR)
    assert poller.poll(10_000), "the server did not close the connection"
    return pid


def test_a_healthy_idle_connection_is_usable_without_a_query(own_connection):
    wrapper, round_trips = own_connection
    backend_pid(wrapper)
    assert not has_pending_input(wrapper.connection.fileno())
    assert wrapper.is_usable()
    assert round_trips == []


def test_a_connection_the_server_terminated_is_not_usable(own_connection):
    wrapper, round_trips = own_connection
    terminated(wrapper)
    assert not wrapper.is_usable()
    assert round_trips == ["SELECT 1"]  # Django's SELECT 1 decided


def test_the_request_start_check_replaces_a_terminated_connection(own_connection):
    wrapper, _ = own_connection
    pid = terminated(wrapper)
    wrapper.close_if_unusable_or_obsolete()  # what request_started runs
    assert backend_pid(wrapper) != pid  # a new connection, and no error


def test_a_connection_inside_a_transaction_is_asked_for_real(own_connection):
    wrapper, round_trips = own_connection
    wrapper.set_autocommit(False)
    try:
        backend_pid(wrapper)
        assert wrapper.is_usable()
        assert round_trips == ["SELECT 1"]
    finally:
        wrapper.rollback()
        wrapper.set_autocommit(True)


def test_a_closed_connection_is_not_usable(own_connection):
    wrapper, round_trips = own_connection
    wrapper.connection.close()
    assert not wrapper.is_usable()
    assert round_trips == []
