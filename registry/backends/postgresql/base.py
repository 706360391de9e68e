"""PostgreSQL whose persistent connections are health-checked without a round trip.

Connections live across requests (CONN_MAX_AGE) and are checked before each request uses
one (CONN_HEALTH_CHECKS), so a database restart costs no failed request. Django checks by
sending `SELECT 1`: one round trip and a server wake-up per request, which cost resolving
an alias at 8 clients 1,738 → 1,090 requests/s, moving one 386 → 304 (`make bench-api`,
PostgreSQL, gunicorn 2 × 4 threads, the same tree with the check on and off).

Between requests a connection is idle, and the server sends nothing on an idle connection
unless it is going away: a restart or `pg_terminate_backend` sends its FATAL message and
closes the socket, a crash closes it. So a socket with nothing to read is taken as
healthy; one with anything to read (or a hang-up) gets Django's own `SELECT 1`, which
decides. A peer that vanished without a word is not detected here, but `SELECT 1` would
only hang on it too.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq

_READY = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP | select.POLLNVAL


def has_pending_input(fd: int) -> bool:
    """Whether the socket `fd` has something to read, an error or a hang-up, right now."""
    poller = select.poll()
    poller.register(fd, _READY)
    return bool(poller.poll(0))


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        if self.connection is None or self.connection.closed:
            return False
        idle = self.connection.info.transaction_status == pq.TransactionStatus.IDLE
        if idle and not has_pending_input(self.connection.fileno()):
            return True
        return super().is_usable()
