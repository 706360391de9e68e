"""registry.backends.sqlite3: a transaction holds the writers' turn from BEGIN to its end."""

from __future__ import annotations

import fcntl
import threading

import pytest

from registry.backends.sqlite3.base import DatabaseWrapper


@pytest.fixture
def database(tmp_path, django_db_blocker):
    """Connections of their own to a database file (not the test database)."""
    settings = {
        "NAME": str(tmp_path / "queue.sqlite3"),
        "ENGINE": "registry.backends.sqlite3",
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 30},
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
        "TEST": {},
    }
    opened = []

    def connect():
        connection = DatabaseWrapper(settings, alias=f"queue-{len(opened)}")
        opened.append(connection)
        return connection

    with django_db_blocker.unblock():
        yield connect
        for connection in opened:
            connection.close()


def begin(connection) -> None:
    """What `transaction.atomic` does when it opens the outermost block."""
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def turn_is_free(path: str) -> bool:
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return True


@pytest.mark.parametrize("ending", ["commit", "rollback", "close"])
def test_a_transaction_holds_the_turn_until_it_ends(database, ending):
    connection = database()
    path = connection.turn_path()
    connection.cursor().execute("CREATE TABLE t (x integer)")
    assert turn_is_free(path)
    begin(connection)
    connection.cursor().execute("INSERT INTO t VALUES (1)")
    assert not turn_is_free(path)
    getattr(connection, ending)()
    assert turn_is_free(path)


def test_a_second_writer_begins_only_after_the_first_commits(database):
    first, second = database(), database()
    first.cursor().execute("CREATE TABLE t (x integer)")
    begin(first)
    first.cursor().execute("INSERT INTO t VALUES (1)")
    seen = []
    began = threading.Event()

    def write():
        second.inc_thread_sharing()
        begin(second)  # BEGIN IMMEDIATE, after the turn
        began.set()
        seen.append(second.cursor().execute("SELECT count(*) FROM t").fetchone()[0])
        second.cursor().execute("INSERT INTO t VALUES (2)")
        second.commit()

    writer = threading.Thread(target=write)
    writer.start()
    assert not began.wait(0.2), "the second writer began while the first held the turn"
    first.commit()
    writer.join(10)
    assert seen == [1]  # it began after the first committed
    assert first.cursor().execute("SELECT count(*) FROM t").fetchone()[0] == 2


@pytest.mark.django_db
def test_in_memory_databases_have_no_turn_to_take():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the test database is not SQLite")
    assert connection.turn_path() is None
