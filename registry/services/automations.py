"""Automations: turn registry events into outbox deliveries; redeliver; test sends.

`on_event` runs inside the change's transaction, so the deliveries it writes commit or
roll back with the change (a transactional outbox). Sending happens in the worker
(registry.tasks); nothing here waits for the network except the admin's Test button.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from registry import permissions
from registry.errors import Invalid
from registry.models import Automation, Collection, Delivery, DeliveryAttempt
from registry.services import events
from registry.webhooks import outbox, payloads, signing, templating

ALIAS_EVENTS = {events.ADD_ARTIFACT_ALIAS, events.REMOVE_ARTIFACT_ALIAS}
NOT_FINISHED = "This delivery is still being sent; redeliver it once it has finished."


def alias_matches(automation: Automation, alias: str | None) -> bool:
    """The optional alias filter: the whole alias must match, case-insensitively."""
    if not automation.alias_regex or automation.event not in ALIAS_EVENTS:
        return True
    return re.fullmatch(automation.alias_regex, alias or "", re.IGNORECASE) is not None


def matching_automations(collection: Collection, event_type: str, alias: str | None = None):
    """Enabled automations of the collection's registry that fire for this event."""
    return [a for a in enabled_automations(collection, event_type) if alias_matches(a, alias)]


def enabled_automations(collection: Collection, event_type: str) -> list[Automation]:
    """Enabled automations for this event in the collection's scope, before alias filters."""
    return list(
        Automation.objects.filter(
            registry_id=collection.registry_id, event=event_type, enabled=True
        )
        .filter(Q(collection__isnull=True) | Q(collection_id=collection.pk))
        .select_related("slack", "endpoint")
        .order_by("name")
    )


def build_payload(automation: Automation, values: dict):
    if automation.action == Automation.SLACK:
        return payloads.slack_message(values)
    return templating.render_payload(automation.payload_template, values)


def on_event(event: events.RegistryEvent) -> list[Delivery]:
    """Write one outbox delivery per matching, enabled automation (inside the change)."""
    automations = matching_automations(event.collection, event.type, event.alias)
    if not automations:
        return []
    values = payloads.event_values(event)
    now = timezone.now()
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(
                automation=automation,
                message_id=signing.new_message_id(),
                event_type=event.type,
                payload=build_payload(automation, values),
                next_attempt_at=now,
            )
            for automation in automations
        ]
    )
    _schedule([d.pk for d in deliveries])
    return deliveries


def _schedule(delivery_ids: list[int]) -> None:
    from registry import tasks

    tasks.ensure_sweeper()
    transaction.on_commit(lambda: tasks.enqueue_deliveries(delivery_ids))


@transaction.atomic
def redeliver(*, delivery: Delivery, actor) -> Delivery:
    """Send a finished delivery again: a new round of attempts, the same `webhook-id`."""
    registry = delivery.automation.registry
    permissions.check_can_admin(actor, registry, "Redelivering a webhook")
    updated = Delivery.objects.filter(
        pk=delivery.pk, status__in=[Delivery.SUCCEEDED, Delivery.FAILED]
    ).update(status=Delivery.PENDING, attempts=0, next_attempt_at=timezone.now(), finished_at=None)
    if not updated:
        raise Invalid(NOT_FINISHED)
    _schedule([delivery.pk])
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
        status=Delivery.SENDING,
        attempts=1,
        next_attempt_at=timezone.now(),
        claimed_at=timezone.now(),
        claimed_by="test",
    )
    delivery.automation = automation
    # A test is one attempt: the admin sees the answer now and can press Test again.
    return outbox.send(delivery, worker="test", retries=False)
