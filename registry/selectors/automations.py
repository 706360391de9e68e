"""Which automations fire for a change, and the automations overview of a registry."""

from __future__ import annotations

import re

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Value
from django.db.models.functions import Cast

from registry import permissions
from registry.models import Automation, Collection, Delivery, EventType, Registry
from registry.selectors.compiled import compiled

ALIAS_EVENTS = {
    EventType.ADD_ARTIFACT_ALIAS,
    EventType.REMOVE_ARTIFACT_ALIAS,
    EventType.PROMOTION_REQUESTED,
    EventType.PROMOTION_APPROVED,
    EventType.PROMOTION_REJECTED,
}


def alias_matches(automation: Automation, alias: str | None) -> bool:
    """The optional alias filter, W&B's `matches_regex`: the pattern is searched in the
    alias (`^prod` matches `prod-candidate`; `^prod$` only `prod`), ignoring case as
    alias uniqueness does."""
    if not automation.alias_regex or automation.event not in ALIAS_EVENTS:
        return True
    return re.search(automation.alias_regex, alias or "", re.IGNORECASE) is not None


def _enabled_in_scope(registry: str, collection: str):
    """Enabled automations whose scope covers a collection (values are markers: the casts
    keep each a parameter, see selectors.compiled)."""
    registry_id = Cast(Value(registry), IntegerField())
    collection_id = Cast(Value(collection), IntegerField())
    return (
        Automation.objects.filter(registry_id=registry_id, enabled=True)
        .filter(Q(collection__isnull=True) | Q(collection_id=collection_id))
        .select_related("slack", "endpoint")
        .order_by("name")
    )


def any_in_scope_column() -> Exists:
    """Whether an enabled automation covers the outer collection row: a column of the
    collection lock (`automations_in_scope`), so a write in a collection no automation
    watches reads none (one statement fewer inside the lock)."""
    return Exists(
        Automation.objects.filter(registry_id=OuterRef("registry_id"), enabled=True).filter(
            Q(collection__isnull=True) | Q(collection_id=OuterRef("pk"))
        )
    )


def enabled_automations(collection: Collection, event_types: str | set[str]) -> list[Automation]:
    """Enabled automations for these events in the collection's scope, before alias filters.

    Every alias write asks, so the query is compiled once (selectors.compiled: 1.3 ms of
    CPU per call built each time, SQLite, in process); a registry's handful of automations
    is narrowed to the events here. A collection the lock found no automation watching
    (`any_in_scope_column`) asks nothing.
    """
    if not getattr(collection, "automations_in_scope", True):
        return []
    if isinstance(event_types, str):
        event_types = {event_types}
    query = compiled("enabled-automations", _enabled_in_scope, "registry", "collection")
    in_scope = query.instances(registry=collection.registry_id, collection=collection.pk)
    return [automation for automation in in_scope if automation.event in event_types]


def matching_automations(collection: Collection, event_type: str, alias: str | None = None):
    """Enabled automations of the collection's registry that fire for this event."""
    return [a for a in enabled_automations(collection, event_type) if alias_matches(a, alias)]


def automations_overview(registry: Registry, user) -> dict:
    """Automations, endpoints and Slack destinations for admins; a fixed number of queries.

    Others see only how many automations exist.
    """
    if not permissions.is_admin(user, registry):
        return {"is_admin": False, "automation_count": registry.automations.count()}
    automations = (
        Automation.objects.filter(registry=registry)
        .select_related("slack", "endpoint", "collection")
        .annotate(
            failed_count=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
            pending_count=Count(
                "deliveries",
                filter=Q(deliveries__status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]),
            ),
        )
        .order_by("name")
    )
    return {
        "is_admin": True,
        "automations": list(automations),
        "endpoints": list(registry.webhook_endpoints.order_by("name")),
        "slacks": list(registry.slack_destinations.order_by("channel")),
    }
