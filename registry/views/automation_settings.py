"""Admin pages for webhook endpoints, Slack destinations and automations.

Every view: the registry via registry.permissions (404 for users who cannot see it, 403
for non-admins), a Django form for the shape, a service for the rules; refusals from the
service come back as form errors. Stored secrets are write-only: inputs never show them.
What the admin typed into this same form comes back when the page is shown again (a
generated signing secret, a refusal), so clicking "Generate signing secret" keeps the token.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from registry.errors import Invalid, RegistryError
from registry.models import SlackDestination, WebhookEndpoint
from registry.services import automation_settings as service
from registry.views.automation_common import (
    admin_registry,
    automation_for,
    refusals,
    registry_object,
)
from registry.views.automation_forms import AutomationForm, EndpointForm, SlackForm
from registry.webhooks.secrets import generate_signing_secret


def _overview(registry) -> str:
    return reverse("automations_settings", args=[registry.name])


# Endpoints


@refusals
def endpoint_form(request, registry: str, pk: int | None = None):
    registry = admin_registry(request, registry, "Managing webhook endpoints")
    endpoint = registry_object(WebhookEndpoint, registry, pk) if pk else None
    generated = None
    if request.method == "POST":
        form = EndpointForm(request.POST)
        if "generate" in request.POST:
            # Shown once, on this response only, so the admin can give it to the receiver.
            generated = generate_signing_secret()
            form = EndpointForm(initial={**request.POST.dict(), "secret": ""})
        elif form.is_valid():
            data = form.cleaned_data
            token = "" if data["clear_token"] else (data["token"] or None)
            secret = "" if data["clear_secret"] else (data["secret"] or None)
            try:
                if endpoint is None:
                    service.create_endpoint(
                        registry=registry,
                        name=data["name"],
                        url=data["url"],
                        token=token or "",
                        secret=secret or "",
                        actor=request.user,
                    )
                else:
                    service.update_endpoint(
                        endpoint=endpoint,
                        name=data["name"],
                        url=data["url"],
                        token=token,
                        secret=secret,
                        actor=request.user,
                    )
                messages.success(request, f"Webhook endpoint '{data['name']}' saved.")
                return redirect(_overview(registry))
            except Invalid as exc:
                form.add_error(None, exc.message)
            except RegistryError as exc:
                if exc.status != 409:
                    raise
                form.add_error("name", exc.message)
    elif endpoint is not None:
        form = EndpointForm(initial={"name": endpoint.name, "url": endpoint.url})
    else:
        form = EndpointForm()
    status = 400 if request.method == "POST" and form.errors else 200
    context = {
        "registry": registry,
        "form": form,
        "endpoint": endpoint,
        "generated": generated,
        "typed_token": request.POST.get("token", ""),
        # A refused secret is not echoed back: it may be a real secret pasted in the wrong box.
        "typed_secret": generated or "",
    }
    return render(request, "registry/automations/endpoint_form.html", context, status=status)


@require_POST
@refusals
def endpoint_delete(request, registry: str, pk: int):
    registry = admin_registry(request, registry, "Managing webhook endpoints")
    endpoint = registry_object(WebhookEndpoint, registry, pk)
    service.delete_endpoint(endpoint=endpoint, actor=request.user)
    messages.success(request, f"Webhook endpoint '{endpoint.name}' deleted.")
    return redirect(_overview(registry))


# Slack


@refusals
def slack_form(request, registry: str):
    registry = admin_registry(request, registry, "Managing Slack destinations")
    form = SlackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.create_slack(
                registry=registry,
                channel=form.cleaned_data["channel"],
                url=form.cleaned_data["url"],
                actor=request.user,
            )
            messages.success(request, f"Slack destination {form.cleaned_data['channel']} saved.")
            return redirect(_overview(registry))
        except RegistryError as exc:
            if exc.status not in (400, 409):
                raise
            form.add_error(None, exc.message)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "registry/automations/slack_form.html",
        {"registry": registry, "form": form},
        status=status,
    )


@require_POST
@refusals
def slack_delete(request, registry: str, pk: int):
    registry = admin_registry(request, registry, "Managing Slack destinations")
    slack = registry_object(SlackDestination, registry, pk)
    service.delete_slack(slack=slack, actor=request.user)
    messages.success(request, f"Slack destination {slack.channel} deleted.")
    return redirect(_overview(registry))


# Automations


@refusals
def automation_form(request, registry: str, pk: int | None = None):
    registry = admin_registry(request, registry)
    automation = automation_for(registry, pk) if pk else None
    if request.method == "POST":
        form = AutomationForm(request.POST, registry=registry)
        if form.is_valid():
            try:
                if automation is None:
                    automation = service.create_automation(
                        registry=registry,
                        actor=request.user,
                        enabled=form.cleaned_data["enabled"],
                        **form.service_fields(),
                    )
                else:
                    service.update_automation(
                        automation=automation,
                        actor=request.user,
                        enabled=form.cleaned_data["enabled"],
                        **form.service_fields(),
                    )
                messages.success(request, f"Automation '{automation.name}' saved.")
                return redirect(_overview(registry))
            except RegistryError as exc:
                if exc.status not in (400, 409):
                    raise
                form.add_error(None, exc.message)
    elif automation is not None:
        form = AutomationForm(initial=AutomationForm.initial_for(automation), registry=registry)
    else:
        form = AutomationForm(registry=registry)
    status = 400 if request.method == "POST" else 200
    context = {"registry": registry, "form": form, "automation": automation}
    return render(request, "registry/automations/automation_form.html", context, status=status)


@require_POST
@refusals
def automation_toggle(request, registry: str, pk: int):
    registry = admin_registry(request, registry)
    automation = automation_for(registry, pk)
    enabled = request.POST.get("enabled") == "1"
    service.set_automation_enabled(automation=automation, enabled=enabled, actor=request.user)
    state = "enabled" if enabled else "disabled"
    messages.success(request, f"Automation '{automation.name}' {state}.")
    return redirect(_overview(registry))


@require_POST
@refusals
def automation_delete(request, registry: str, pk: int):
    registry = admin_registry(request, registry)
    automation = automation_for(registry, pk)
    service.delete_automation(automation=automation, actor=request.user)
    messages.success(request, f"Automation '{automation.name}' deleted.")
    return redirect(_overview(registry))
