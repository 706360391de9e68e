"""Automations from code (W&B's `wandb.automations`): list, create, change, delete, and
the webhook endpoints and Slack destinations they can use. Registry admins only, as on
the settings pages; tokens, signing secrets and Slack URLs are never sent back.
"""

from __future__ import annotations

from datetime import datetime

from ninja import Query, Router, Schema, Status
from pydantic import Field

from registry import permissions
from registry.api.schemas import Error
from registry.db import lower
from registry.errors import Invalid, NotFound
from registry.models import Automation, EventType, Registry, SlackDestination, WebhookEndpoint
from registry.selectors.collections import get_collection
from registry.services import automation_settings

router = Router(tags=["automations"])
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error}
AUTOMATION_NOT_FOUND = "Registry '{registry}' has no automation named '{name}'."
ENDPOINT_NOT_FOUND = (
    "Registry '{registry}' has no webhook endpoint named '{name}'; add one on the "
    "registry's automation settings page."
)
SLACK_NOT_FOUND = (
    "Registry '{registry}' has no Slack destination '{name}'; add one on the registry's "
    "automation settings page."
)
EVENTS = ", ".join(EventType.values)


class AutomationIn(Schema):
    registry: str = Field(max_length=113)
    name: str = Field(max_length=128)
    description: str = Field("", max_length=10_000)
    event: str = Field(max_length=32, description=EVENTS)
    collection: str | None = Field(None, max_length=128, description="null: the registry.")
    alias_regex: str = Field(
        "", max_length=256, description="Searched in the alias (W&B's matches_regex)."
    )
    action: str = Field(max_length=16, description="webhook | slack")
    endpoint: str | None = Field(None, max_length=100, description="Webhook endpoint name.")
    slack: str | None = Field(None, max_length=80, description="Slack destination channel.")
    payload_template: str = Field("", max_length=100_000)
    enabled: bool = True


class AutomationPatch(Schema):
    name: str | None = Field(None, max_length=128)
    description: str | None = Field(None, max_length=10_000)
    event: str | None = Field(None, max_length=32)
    collection: str | None = Field(None, max_length=128)
    scope_registry: bool = Field(False, description="true: widen the scope to the registry.")
    alias_regex: str | None = Field(None, max_length=256)
    action: str | None = Field(None, max_length=16)
    endpoint: str | None = Field(None, max_length=100)
    slack: str | None = Field(None, max_length=80)
    payload_template: str | None = Field(None, max_length=100_000)
    enabled: bool | None = None


class AutomationOut(Schema):
    registry: str
    name: str
    description: str
    event: str
    collection: str | None
    alias_regex: str
    action: str
    endpoint: str | None
    slack: str | None
    payload_template: str
    enabled: bool
    created_at: datetime


class WebhookOut(Schema):
    registry: str
    name: str
    url: str
    has_token: bool = Field(description="A bearer token is stored (never sent back).")
    has_secret: bool = Field(description="A signing secret is stored (never sent back).")


class SlackOut(Schema):
    registry: str
    channel: str = Field(description="The incoming webhook URL is a secret, never sent back.")


class IntegrationsOut(Schema):
    webhooks: list[WebhookOut]
    slack: list[SlackOut]


class ListParams(Schema):
    registry: str | None = Field(None, max_length=113)
    name: str | None = Field(None, max_length=128)


def automation_out(a: Automation) -> dict:
    return {
        "registry": a.registry.name,
        "name": a.name,
        "description": a.description,
        "event": a.event,
        "collection": a.collection.name if a.collection_id else None,
        "alias_regex": a.alias_regex,
        "action": a.action,
        "endpoint": a.endpoint.name if a.endpoint_id else None,
        "slack": a.slack.channel if a.slack_id else None,
        "payload_template": a.payload_template,
        "enabled": a.enabled,
        "created_at": a.created_at,
    }


def _administered(user, registry: str | None) -> list[Registry]:
    """The registries whose automations the caller manages (one, when named)."""
    if registry is not None:
        reg = permissions.get_registry_for_user(user, registry)
        permissions.check_can_admin(user, reg, "Managing automations")
        return [reg]
    registries = list(permissions.visible_registries(user).order_by("name"))
    permissions.prefetch_roles(user, registries)
    return [r for r in registries if permissions.is_admin(user, r)]


def _automation(user, registry: str, name: str) -> Automation:
    [reg] = _administered(user, registry)
    found = (
        Automation.objects.filter(registry=reg, name__lower=lower(name))
        .select_related("registry", "collection", "endpoint", "slack")
        .first()
    )
    if found is None:
        raise NotFound(AUTOMATION_NOT_FOUND.format(registry=reg.name, name=name))
    return found


def _targets(reg: Registry, *, collection, endpoint, slack) -> dict:
    """Names in the request resolved to this registry's objects."""
    found: dict = {"collection": None, "endpoint": None, "slack": None}
    if collection:
        found["collection"] = get_collection(reg, collection)
    if endpoint:
        found["endpoint"] = WebhookEndpoint.objects.filter(
            registry=reg, name__lower=lower(endpoint)
        ).first()
        if found["endpoint"] is None:
            raise Invalid(ENDPOINT_NOT_FOUND.format(registry=reg.name, name=endpoint))
    if slack:
        found["slack"] = SlackDestination.objects.filter(
            registry=reg, channel__lower=lower(slack)
        ).first()
        if found["slack"] is None:
            raise Invalid(SLACK_NOT_FOUND.format(registry=reg.name, name=slack))
    return found


def _fresh(automation: Automation) -> Automation:
    return Automation.objects.select_related("registry", "collection", "endpoint", "slack").get(
        pk=automation.pk
    )


@router.get("", response={200: list[AutomationOut], **ERRORS})
def list_automations(request, params: Query[ListParams]):
    """Automations of the registries you administer (or of one `registry`), by name."""
    found = (
        Automation.objects.filter(registry__in=_administered(request.auth, params.registry))
        .select_related("registry", "collection", "endpoint", "slack")
        .order_by("registry__name", "name")
    )
    if params.name:
        found = found.filter(name__lower=lower(params.name))
    return [automation_out(a) for a in found]


@router.post("", response={201: AutomationOut, **ERRORS})
def create_automation(request, payload: AutomationIn):
    """Create an automation: an event in a registry or collection, and what to send."""
    [reg] = _administered(request.auth, payload.registry)
    automation = automation_settings.create_automation(
        registry=reg,
        actor=request.auth,
        enabled=payload.enabled,
        name=payload.name,
        description=payload.description,
        event=payload.event,
        action=payload.action,
        alias_regex=payload.alias_regex,
        payload_template=payload.payload_template,
        **_targets(
            reg, collection=payload.collection, endpoint=payload.endpoint, slack=payload.slack
        ),
    )
    return Status(201, automation_out(_fresh(automation)))


@router.get("/integrations", response={200: IntegrationsOut, **ERRORS})
def list_integrations(request, registry: str | None = None):
    """Webhook endpoints and Slack destinations automations can use (no secrets)."""
    registries = _administered(request.auth, registry)
    webhooks = WebhookEndpoint.objects.filter(registry__in=registries).select_related("registry")
    slack = SlackDestination.objects.filter(registry__in=registries).select_related("registry")
    return {
        "webhooks": [
            {
                "registry": e.registry.name,
                "name": e.name,
                "url": e.url,
                "has_token": e.has_token,
                "has_secret": e.has_secret,
            }
            for e in webhooks.order_by("registry__name", "name")
        ],
        "slack": [
            {"registry": s.registry.name, "channel": s.channel}
            for s in slack.order_by("registry__name", "channel")
        ],
    }


@router.get("/{registry}/{name}", response={200: AutomationOut, **ERRORS})
def get_automation(request, registry: str, name: str):
    return automation_out(_automation(request.auth, registry, name))


@router.patch("/{registry}/{name}", response={200: AutomationOut, **ERRORS})
def update_automation(request, registry: str, name: str, payload: AutomationPatch):
    """Change what is given; the rest stays. Switching action names the new target."""
    automation = _automation(request.auth, registry, name)
    reg = automation.registry
    current = automation_out(automation)
    given = payload.model_dump(exclude_unset=True)
    merged = {**current, **{k: v for k, v in given.items() if v is not None}}
    if payload.scope_registry:
        merged["collection"] = None
    if merged["action"] == Automation.Action.SLACK:
        merged["endpoint"] = None
    else:
        merged["slack"] = None
    updated = automation_settings.update_automation(
        automation=automation,
        actor=request.auth,
        enabled=merged["enabled"],
        name=merged["name"],
        description=merged["description"],
        event=merged["event"],
        action=merged["action"],
        alias_regex=merged["alias_regex"],
        payload_template=merged["payload_template"],
        **_targets(
            reg,
            collection=merged["collection"],
            endpoint=merged["endpoint"],
            slack=merged["slack"],
        ),
    )
    return automation_out(_fresh(updated))


@router.delete("/{registry}/{name}", response={204: None, **ERRORS})
def delete_automation(request, registry: str, name: str):
    automation_settings.delete_automation(
        automation=_automation(request.auth, registry, name), actor=request.auth
    )
    return Status(204, None)
