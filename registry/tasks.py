"""Background work (Django tasks, database backend; `manage.py db_worker` runs it).

A delivery's task is enqueued in the same transaction as the change that caused it, so it
exists exactly when the delivery does. A retry is the same task enqueued again with the
backend's `run_after`. What a task cannot cover — a worker that died holding a claim —
is picked up by `manage.py registry_sweep`, run periodically beside the worker.
"""

from __future__ import annotations

import logging

from django.tasks import task

from registry.models import DeliveryAttempt
from registry.webhooks import outbox

log = logging.getLogger("registry.webhooks")
SWEEP_BATCH = 200


@task()
def deliver(delivery_ids: list[int]) -> list[str]:
    """Send the deliveries of one change that are still due (another worker may have sent
    some: each is claimed with a compare-and-set first)."""
    outcomes = []
    for delivery_id in delivery_ids:
        delivery = outbox.claim(delivery_id)
        outcomes.append("not due" if delivery is None else send_and_schedule(delivery))
    return outcomes


def send_and_schedule(delivery) -> str:
    """Send a claimed delivery once; a retry is queued for when it falls due."""
    attempt = outbox.send(delivery)
    if attempt.outcome == DeliveryAttempt.Outcome.RETRY:
        delivery.refresh_from_db(fields=["next_attempt_at"])
        enqueue_deliveries([delivery.pk], run_after=delivery.next_attempt_at)
    return attempt.outcome


def enqueue_deliveries(delivery_ids: list[int], run_after=None) -> None:
    """Queue one task for a change's deliveries: one row, however many automations match.

    Inside a change's transaction the task row commits (or rolls back) with it.
    """
    send = deliver.using(run_after=run_after) if run_after else deliver
    send.enqueue(delivery_ids)


def sweep() -> int:
    """Send every delivery that is due but has no live task: claims whose worker died
    (expired lease), or deliveries queued before a task row could be written."""
    sent = 0
    while sent < SWEEP_BATCH:
        delivery = outbox.claim_next()
        if delivery is None:
            break
        send_and_schedule(delivery)
        sent += 1
    return sent
