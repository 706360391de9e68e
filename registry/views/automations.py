"""Automation pages: overview, delivery log (Redeliver, Test), and the alias preview."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from registry import permissions
from registry.models import Alias, Delivery, DeliveryAttempt, EventType, LinkedVersion
from registry.names import alias_problem, is_reserved_alias, split_list
from registry.selectors.automations import alias_matches, automations_overview, enabled_automations
from registry.selectors.collections import get_collection
from registry.services import automations as service
from registry.views.automation_common import admin_registry, automation_for
from registry.views.pages import page_view

LOG_SIZE = 50


@require_GET
@page_view
def overview(request, registry: str):
    registry = admin_registry(request, registry)
    context = {"registry": registry, **automations_overview(registry, request.user)}
    return render(request, "registry/automations/overview.html", context)


def _log_context(registry, automation) -> dict:
    deliveries = list(
        Delivery.objects.filter(automation=automation)
        .prefetch_related(Prefetch("attempt_log", queryset=DeliveryAttempt.objects.order_by("-id")))
        .order_by("-id")[:LOG_SIZE]
    )
    return {"registry": registry, "automation": automation, "deliveries": deliveries}


@require_GET
@page_view
def delivery_log(request, registry: str, pk: int):
    """The log; `?test=<attempt>` shows the answer to a Test above it."""
    registry = admin_registry(request, registry)
    automation = automation_for(registry, pk)
    context = _log_context(registry, automation)
    test = request.GET.get("test", "")
    if test.isdigit():
        context["test_attempt"] = DeliveryAttempt.objects.filter(
            pk=int(test), delivery__automation=automation, delivery__is_test=True
        ).first()
    return render(request, "registry/automations/deliveries.html", context)


@require_POST
@page_view
def test_send(request, registry: str, pk: int):
    """Send a sample payload now, then redirect to the log showing the answer: reloading
    the page shows it again instead of sending a second test."""
    registry = admin_registry(request, registry)
    automation = automation_for(registry, pk)
    attempt = service.send_test(automation=automation, actor=request.user)
    url = reverse("automation_deliveries", args=[registry.name, automation.pk])
    return redirect(f"{url}?test={attempt.pk}#test-result")


@require_POST
@page_view
def redeliver(request, registry: str, pk: int):
    registry = admin_registry(request, registry)
    delivery = get_object_or_404(
        Delivery.objects.select_related("automation__registry"),
        pk=pk,
        automation__registry=registry,
    )
    service.redeliver(delivery=delivery, actor=request.user)
    url = reverse("automation_deliveries", args=[registry.name, delivery.automation_id])
    return redirect(f"{url}#delivery-{delivery.pk}")


MAX_PREVIEWED = 10


@require_GET
@page_view
def preview(request, registry: str, collection: str, index: int):
    """Which enabled automations an alias added to this version would fire (members+)."""
    registry = permissions.get_registry_for_user(request.user, registry)
    permissions.check_can_write(request.user, registry, "Adding an alias")
    collection = get_collection(registry, collection)
    version = get_object_or_404(LinkedVersion, collection=collection, index=index)
    # `alias`, or `name` when htmx sends the Add alias input itself (its form field name);
    # the input may hold several aliases, as the Add alias form accepts.
    typed = request.GET.get("alias") or request.GET.get("name") or ""
    held = {a.lower() for a in Alias.objects.filter(version=version).values_list("name", flat=True)}
    candidates = enabled_automations(collection, EventType.ADD_ARTIFACT_ALIAS)
    entries, seen = [], set()
    for alias in split_list(typed)[:MAX_PREVIEWED]:
        if alias.lower() in seen or alias_problem(alias) or is_reserved_alias(alias):
            continue
        seen.add(alias.lower())
        is_held = alias.lower() in held
        targets = [] if is_held else [a for a in candidates if alias_matches(a, alias)]
        entries.append({"alias": alias, "held": is_held, "targets": targets})
    context = {"entries": entries, "version": version, "several": len(entries) > 1}
    response = render(request, "registry/automations/preview.html", context)
    response["Vary"] = "HX-Request"
    return response
