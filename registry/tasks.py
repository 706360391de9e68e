"""Background work (Django tasks, database backend; `manage.py db_worker` runs it).

Deliveries are enqueued after the change commits; the sweeper is the safety net: it runs
while any delivery is unfinished and sends whatever is due — deliveries whose enqueue was
lost in a crash, retries, and claims whose worker died (expired lease).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from registry.webhooks import outbox

log = logging.getLogger("registry.webhooks")
SWEEP_BATCH = 200


@task()
def deliver(delivery_id: int) -> str:
    """Send one delivery if it is still due (a no-op when another worker sent it)."""
    delivery = outbox.claim(delivery_id)
    if delivery is None:
        return "not due"
    return outbox.send(delivery).outcome


@task()
def sweep_deliveries() -> int:
    """Send every due delivery, then come back while anything is unfinished."""
    sent = 0
    while sent < SWEEP_BATCH:
        delivery = outbox.claim_next()
        if delivery is None:
            break
        outbox.send(delivery)
        sent += 1
    if outbox.unfinished_exists():
        when = outbox.next_due_at() or timezone.now()
        ensure_sweeper(run_after=max(when, timezone.now() + timedelta(seconds=1)))
    return sent


def enqueue_deliveries(delivery_ids: list[int], run_after=None) -> None:
    """Queue one task per delivery (one commit for all), so several workers share them."""
    task = deliver.using(run_after=run_after) if run_after else deliver
    try:
        with transaction.atomic():
            for delivery_id in delivery_ids:
                task.enqueue(delivery_id)
    except Exception:
        # The sweeper will send them; the change itself has already committed.
        log.exception("could not enqueue deliveries %s; the sweeper will send them", delivery_ids)


def ensure_sweeper(run_after=None) -> None:
    """Make sure one sweep is queued (at `run_after`, default one lease from now).

    Called inside the change's transaction: with the database backend the queued sweep
    commits together with the outbox rows, so no crash window loses a delivery.
    """
    run_after = run_after or timezone.now() + outbox.lease()
    backend = sweep_deliveries.get_backend()
    from django_tasks_db.backend import DatabaseBackend

    if isinstance(backend, DatabaseBackend):
        from django.tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        queued = DBTaskResult.objects.filter(
            task_path=sweep_deliveries.module_path, status=TaskResultStatus.READY
        )
        # An earlier sweep already queued covers this one.
        if queued.filter(run_after__lte=run_after).exists():
            return
        queued.delete()
    sweep_deliveries.using(run_after=run_after).enqueue()
