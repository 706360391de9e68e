"""registry.backends.sqlite3: statements are rewritten for SQLite as Django rewrites them,
once per statement text."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import SQLiteCursorWrapper

from registry.backends.sqlite3 import base

STATEMENTS = [
    "SELECT %s",
    "SELECT 'a%%s', %s WHERE x LIKE '%%b' ESCAPE '\\'",
    "SELECT %s, %s FROM t WHERE n = %s",
    "SELECT 1",
]


@pytest.mark.parametrize("sql", STATEMENTS)
def test_a_statement_is_rewritten_as_django_rewrites_it(sql):
    ours = base._qmark(sql)
    assert ours == SQLiteCursorWrapper.convert_query(None, sql)
    assert base._qmark(sql) is ours  # remembered, not redone


@pytest.mark.django_db
def test_the_connection_uses_these_cursors_for_both_parameter_styles():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's backend")
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, base.CursorWrapper)
        cursor.execute("SELECT %s || '%%'", ["50"])
        assert cursor.fetchone() == ("50%",)
        cursor.execute("SELECT %(a)s + %(b)s", {"a": 1, "b": 2})
        assert cursor.fetchone() == (3,)
