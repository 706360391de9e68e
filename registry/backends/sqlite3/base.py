"""SQLite whose writers queue for their turn instead of polling for the lock.

Every transaction begins IMMEDIATE (settings), so a writer holds SQLite's write lock from
BEGIN. A writer that finds it taken is left to SQLite's busy handler, which sleeps and
retries with growing pauses (1, 2, 5, 10 … 100 ms): under eight clients moving one alias
an unlucky writer kept missing its turn: the 99th percentile of a move at eight clients
was 140-235 ms, of a link 255 ms (`make bench-api`, gunicorn 2 x 4 threads, busy
machine). Here a transaction first takes an exclusive `flock` on a file beside the
database; the kernel wakes a waiter the moment the holder lets go, so writers follow one
another without the sleeps: 70-85 ms for a move, 75 ms for a link, same throughput.

The turn is taken before BEGIN and given back after COMMIT or ROLLBACK (or when the
connection closes; the kernel drops it when a process dies). Each connection opens the
file itself, so threads of one process queue too. In-memory databases (the tests') have
no file to queue on and keep SQLite's own handling.

Its cursors also remember how they rewrote a statement's `%s` markers as SQLite's `?`:
Django runs a regular expression over the whole SQL text on every execute, and the hot
statements (compiled once, selectors.compiled) are the same text each time; for the
resolve poll's 3 KB statement that was a tenth of its CPU.
"""

from __future__ import annotations

import fcntl
import functools

from django.db.backends.sqlite3 import base


@functools.lru_cache(maxsize=1024)
def _qmark(query: str) -> str:
    """Django's "format" to "qmark" rewrite (SQLiteCursorWrapper.convert_query)."""
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class CursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query, *, param_names=None):
        if param_names is None:
            return _qmark(query)
        return super().convert_query(query, param_names=param_names)


class DatabaseWrapper(base.DatabaseWrapper):
    _turn_file = None  # the connection's lock file, opened at its first transaction
    _holds_turn = False

    def create_cursor(self, name=None):
        return self.connection.cursor(factory=CursorWrapper)

    def _start_transaction_under_autocommit(self):
        self._take_turn()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._give_turn()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._give_turn()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._give_turn()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._give_turn()
            if self._turn_file is not None:
                self._turn_file.close()
                self._turn_file = None

    def turn_path(self) -> str | None:
        """The file writers queue on, or None for an in-memory database."""
        if self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}.writers"

    def _take_turn(self) -> None:
        if self._holds_turn:
            return
        if self._turn_file is None:
            path = self.turn_path()
            if path is None:
                return
            self._turn_file = open(path, "a")  # noqa: SIM115 (kept with the connection)
        fcntl.flock(self._turn_file.fileno(), fcntl.LOCK_EX)
        self._holds_turn = True

    def _give_turn(self) -> None:
        if self._holds_turn:
            self._holds_turn = False
            fcntl.flock(self._turn_file.fileno(), fcntl.LOCK_UN)
