"""`db_worker` that survives its database restarting: it waits and carries on.

django-tasks-db's worker exits on a database error; in production a restart of
PostgreSQL would otherwise take every worker down with it. A task interrupted that way
is left RUNNING; `registry_sweep` fails it later, and its delivery is re-sent once its
lease runs out.
"""

from __future__ import annotations

import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

log = logging.getLogger("registry.worker")
RETRY_SECONDS = 2


class Command(DbWorkerCommand):
    help = DbWorkerCommand.help + " Waits out database restarts instead of exiting."

    def handle(self, *args, **options):
        while True:
            try:
                return super().handle(*args, **options)
            except (OperationalError, InterfaceError) as exc:
                log.warning("database unavailable (%s); retrying in %s s", exc, RETRY_SECONDS)
                connections.close_all()
                time.sleep(RETRY_SECONDS)
