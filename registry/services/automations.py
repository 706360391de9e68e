"""Automations: turn registry events into outbox deliveries; redeliver; test sends.

`on_events` runs inside the change's transaction: the deliveries it writes and the tasks
that send them commit or roll back with the change (a transactional outbox). Sending
happens in the worker (registry.tasks); nothing here waits for the network except the
admin's Test button.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from registry import permissions, tasks
from registry.errors import Invalid
from registry.models import Automation, Delivery, DeliveryAttempt
from registry.selectors.automations import alias_matches, enabled_automations
from registry.services.events import RegistryEvent
from registry.webhooks import outbox, payloads, signing, templating

NOT_FINISHED = "This delivery is still being sent; redeliver it once it has finished."


def build_payload(automation: Automation, values: dict):
    if automation.action == Automation.Action.SLACK:
        return payloads.slack_message(values)
    return templating.render_payload(automation.payload_template, values)


def on_events(events: list[RegistryEvent]) -> list[Delivery]:
    """Write one outbox delivery per event and matching, enabled automation.

    Called inside the change's transaction, with every event of the change at once: the
    collection's automations are read once (one query), however many events there are.
    """
    if not events:
        return []
    collection = events[0].collection
    candidates = enabled_automations(collection, {event.type for event in events})
    now = timezone.now()
    pending = []
    for event in events:
        values = None
        for automation in candidates:
            if automation.event == event.type and alias_matches(automation, event.alias):
                values = values or payloads.event_values(event)
                pending.append(
                    Delivery(
                        automation=automation,
                        message_id=signing.new_message_id(),
                        event_type=event.type,
                        payload=build_payload(automation, values),
                        next_attempt_at=now,
                    )
                )
    if not pending:
        return []
    deliveries = Delivery.objects.bulk_create(pending)
    tasks.enqueue_deliveries([d.pk for d in deliveries])
    return deliveries


@transaction.atomic
def redeliver(*, delivery: Delivery, actor) -> Delivery:
    """Send a finished delivery again: a new round of attempts, the same `webhook-id`."""
    registry = delivery.automation.registry
    permissions.check_can_admin(actor, registry, "Redelivering a webhook")
    finished = [Delivery.Status.SUCCEEDED, Delivery.Status.FAILED]
    updated = Delivery.objects.filter(pk=delivery.pk, status__in=finished).update(
        status=Delivery.Status.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        finished_at=None,
    )
    if not updated:
        raise Invalid(NOT_FINISHED)
    tasks.enqueue_deliveries([delivery.pk])
    delivery.refresh_from_db()
    return delivery


def send_test(*, automation: Automation, actor) -> DeliveryAttempt:
    """Send a sample payload now (one attempt, no retries) and return what happened."""
    permissions.check_can_admin(actor, automation.registry, "Testing an automation")
    values = {**payloads.sample_values(), "event_type": automation.event}
    values["event_author"] = actor.get_username()
    delivery = Delivery.objects.create(
        automation=automation,
        message_id=signing.new_message_id(),
        event_type=automation.event,
        payload=build_payload(automation, values),
        is_test=True,
        status=Delivery.Status.SENDING,
        attempts=1,
        next_attempt_at=timezone.now(),
        claimed_at=timezone.now(),
        claimed_by="test",
    )
    delivery.automation = automation
    # A test is one attempt: the admin sees the answer now and can press Test again.
    return outbox.send(delivery, worker="test", retries=False)
