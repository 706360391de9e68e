"""Cleaning up after interrupted work (a killed worker or web node).

Run periodically by `manage.py registry_sweep`. Each step is idempotent and safe to run
on several machines at once.
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registry.models import Delivery
from registry.storage import UPLOAD_PREFIX, upload_tmp_dir
from registry.webhooks import outbox

WORKER_LOST = "registry.maintenance.WorkerLost"
WORKER_LOST_TRACEBACK = (
    "The worker(s) {workers} started this task at {started:%Y-%m-%d %H:%M:%S} UTC and never "
    "finished it (stopped or killed); registry_sweep marked it failed after {after} s. "
    "Its work is picked up again by the delivery sweeper."
)
FINISHED_ELSEWHERE = "interrupted; its delivery was finished by another attempt"


def interrupted_deliveries() -> int:
    """Log the attempts of expired claims (`registry_sweep` then sends what is due)."""
    return outbox.record_interrupted()


def stale_tasks(now=None) -> tuple[int, int]:
    """Task rows RUNNING longer than REGISTRY_STALE_TASK_AFTER: (finished, failed).

    A `deliver` task whose deliveries are all finished anyway is marked successful; every
    other one failed, with a message naming the worker that lost it.
    """
    now = now or timezone.now()
    after = settings.REGISTRY_STALE_TASK_AFTER
    stale = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - timedelta(seconds=after)
    )
    finished = failed = 0
    for row in stale[:500]:
        done = False
        if row.task_path.endswith(".deliver"):
            ids = ((row.args_kwargs or {}).get("args") or [[]])[0]
            finished_ones = Delivery.objects.filter(
                pk__in=ids, status__in=[Delivery.Status.SUCCEEDED, Delivery.Status.FAILED]
            )
            done = bool(ids) and finished_ones.count() == len(ids)
        running = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING)
        if done:
            finished += running.update(
                status=TaskResultStatus.SUCCESSFUL, finished_at=now, return_value=FINISHED_ELSEWHERE
            )
        else:
            failed += running.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=WORKER_LOST,
                traceback=WORKER_LOST_TRACEBACK.format(
                    workers=", ".join(row.worker_ids) or "?",
                    started=row.started_at,
                    after=after,
                ),
            )
    return finished, failed


def stale_uploads(now: float | None = None) -> list[Path]:
    """Remove spooled uploads nobody has written to for REGISTRY_STALE_UPLOAD_AFTER.

    A live upload writes its file continually, so its modification time stays fresh.
    """
    cutoff = (now or time.time()) - settings.REGISTRY_STALE_UPLOAD_AFTER
    removed = []
    for path in upload_tmp_dir().glob(UPLOAD_PREFIX + "*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:
            continue  # its upload finished, or another sweeper got there first
    return removed
