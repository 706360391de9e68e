"""Data for the automations overview (its own page and the registry settings section)."""

from __future__ import annotations

from django.db.models import Count, Q

from registry import permissions
from registry.models import Automation, Delivery


def overview_context(registry, user) -> dict:
    """Automations, endpoints and Slack destinations; a fixed number of queries."""
    is_admin = permissions.is_admin(user, registry)
    if not is_admin:
        return {"is_admin": False, "automation_count": registry.automations.count()}
    automations = (
        Automation.objects.filter(registry=registry)
        .select_related("slack", "endpoint", "collection")
        .annotate(
            failed_count=Count("deliveries", filter=Q(deliveries__status=Delivery.FAILED)),
            pending_count=Count(
                "deliveries",
                filter=Q(deliveries__status__in=[Delivery.PENDING, Delivery.SENDING]),
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
