"""Admin pages for webhook endpoints, Slack destinations and automations.

Every view: the registry via registry.permissions (404 for users who cannot see it, 403
for non-admins), a Django form for the shape, a service for the rules (`pages.submit`);
refusals from the service come back as form errors. Stored secrets are write-only: inputs
never show them. What the admin typed into this same form comes back when the page is
shown again (a generated signing secret, a refusal), so clicking "Generate signing secret"
keeps the token.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from registry.models import SlackDestination, WebhookEndpoint
from registry.services import automation_settings as service
from registry.views.automation_common import admin_registry, automation_for, registry_object
from registry.views.automation_forms import AutomationForm, EndpointForm, SlackForm
from registry.views.pages import go_to, page_view, submit
from registry.webhooks.secrets import generate_signing_secret


def _overview(registry) -> str:
    return reverse("automations_settings", args=[registry.name])


# Endpoints


def _save_endpoint(request, registry, endpoint, data):
    token = "" if data["clear_token"] else (data["token"] or None)
    secret = "" if data["clear_secret"] else (data["secret"] or None)
    if endpoint is None:
        return service.create_endpoint(
            registry=registry,
            name=data["name"],
            url=data["url"],
            token=token or "",
            secret=secret or "",
            actor=request.user,
        )
    return service.update_endpoint(
        endpoint=endpoint,
        name=data["name"],
        url=data["url"],
        token=token,
        secret=secret,
        actor=request.user,
    )


def _form_page(request, template: str, context: dict, *, status: int = 200):
    return render(request, f"registry/automations/{template}", context, status=status)


@page_view
@require_http_methods(["GET", "POST"])
def endpoint_form(request, registry: str, pk: int | None = None):
    registry = admin_registry(request, registry, "Managing webhook endpoints")
    endpoint = registry_object(WebhookEndpoint, registry, pk) if pk else None
    context = {
        "registry": registry,
        "endpoint": endpoint,
        "generated": None,
        "typed_token": request.POST.get("token", ""),
        # A refused secret is not echoed back: it may be a real secret pasted in the wrong box.
        "typed_secret": "",
    }
    if request.method == "GET":
        initial = {"name": endpoint.name, "url": endpoint.url} if endpoint else None
        return _form_page(
            request, "endpoint_form.html", {**context, "form": EndpointForm(initial=initial)}
        )
    if "generate" in request.POST:
        # Shown once, on this response only, so the admin can give it to the receiver.
        form = EndpointForm(initial={**request.POST.dict(), "secret": ""})
        generated = generate_signing_secret()
        context.update(form=form, generated=generated, typed_secret=generated)
        return _form_page(request, "endpoint_form.html", context)
    return submit(
        request,
        EndpointForm(request.POST),
        lambda data: _save_endpoint(request, registry, endpoint, data),
        refused=lambda form, status: _form_page(
            request, "endpoint_form.html", {**context, "form": form}, status=status
        ),
        done=lambda _: go_to(request, _overview(registry)),
        success_url=_overview(registry),
        success_message=lambda saved: f"Webhook endpoint '{saved.name}' saved.",
    )


@require_POST
@page_view
def endpoint_delete(request, registry: str, pk: int):
    registry = admin_registry(request, registry, "Managing webhook endpoints")
    endpoint = registry_object(WebhookEndpoint, registry, pk)
    service.delete_endpoint(endpoint=endpoint, actor=request.user)
    messages.success(request, f"Webhook endpoint '{endpoint.name}' deleted.")
    return redirect(_overview(registry))


# Slack


@page_view
@require_http_methods(["GET", "POST"])
def slack_form(request, registry: str):
    registry = admin_registry(request, registry, "Managing Slack destinations")
    context = {"registry": registry}
    if request.method == "GET":
        return _form_page(request, "slack_form.html", {**context, "form": SlackForm()})
    return submit(
        request,
        SlackForm(request.POST),
        lambda data: service.create_slack(
            registry=registry, channel=data["channel"], url=data["url"], actor=request.user
        ),
        refused=lambda form, status: _form_page(
            request, "slack_form.html", {**context, "form": form}, status=status
        ),
        done=lambda _: go_to(request, _overview(registry)),
        success_url=_overview(registry),
        success_message=lambda slack: f"Slack destination {slack.channel} saved.",
    )


@require_POST
@page_view
def slack_delete(request, registry: str, pk: int):
    registry = admin_registry(request, registry, "Managing Slack destinations")
    slack = registry_object(SlackDestination, registry, pk)
    service.delete_slack(slack=slack, actor=request.user)
    messages.success(request, f"Slack destination {slack.channel} deleted.")
    return redirect(_overview(registry))


# Automations


def _save_automation(request, registry, automation, form):
    fields = {
        "actor": request.user,
        "enabled": form.cleaned_data["enabled"],
        **form.service_fields(),
    }
    if automation is None:
        return service.create_automation(registry=registry, **fields)
    service.update_automation(automation=automation, **fields)
    return automation


@page_view
@require_http_methods(["GET", "POST"])
def automation_form(request, registry: str, pk: int | None = None):
    registry = admin_registry(request, registry)
    automation = automation_for(registry, pk) if pk else None
    context = {"registry": registry, "automation": automation}
    if request.method == "GET":
        initial = AutomationForm.initial_for(automation) if automation else None
        form = AutomationForm(initial=initial, registry=registry)
        return _form_page(request, "automation_form.html", {**context, "form": form})
    form = AutomationForm(request.POST, registry=registry)
    return submit(
        request,
        form,
        lambda _: _save_automation(request, registry, automation, form),
        refused=lambda form, status: _form_page(
            request, "automation_form.html", {**context, "form": form}, status=status
        ),
        done=lambda _: go_to(request, _overview(registry)),
        success_url=_overview(registry),
        success_message=lambda saved: f"Automation '{saved.name}' saved.",
    )


@require_POST
@page_view
def automation_toggle(request, registry: str, pk: int):
    registry = admin_registry(request, registry)
    automation = automation_for(registry, pk)
    enabled = request.POST.get("enabled") == "1"
    service.set_automation_enabled(automation=automation, enabled=enabled, actor=request.user)
    state = "enabled" if enabled else "disabled"
    messages.success(request, f"Automation '{automation.name}' {state}.")
    return redirect(_overview(registry))


@require_POST
@page_view
def automation_delete(request, registry: str, pk: int):
    registry = admin_registry(request, registry)
    automation = automation_for(registry, pk)
    service.delete_automation(automation=automation, actor=request.user)
    messages.success(request, f"Automation '{automation.name}' deleted.")
    return redirect(_overview(registry))
