"""Admin-managed automation settings: webhook endpoints, Slack destinations, automations.

Every function checks the Admin role itself (registry.permissions) and validates its
input with a message that says what was wrong and what is allowed. Secrets are accepted
here, encrypted, and never returned.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.deletion import RestrictedError

from registry import permissions
from registry.errors import Conflict, Invalid, NotFound
from registry.models import (
    Automation,
    Collection,
    EventType,
    Registry,
    SlackDestination,
    WebhookEndpoint,
)
from registry.selectors.automations import ALIAS_EVENTS
from registry.webhooks import http, secrets, templating

AUTOMATION_GONE = "That automation no longer exists; it was deleted while you were changing it."

BAD_URL = "'{field}' must be an http:// or https:// URL with a host name, such as {example}."
PRIVATE_URL = (
    "'{field}' points at a {kind} address; deliveries may only go to public internet "
    "addresses unless the operator sets REGISTRY_WEBHOOK_ALLOW_PRIVATE=1."
)
NAME_REQUIRED = "{what} needs a name of 1 to {limit} characters."
NAME_TAKEN = "Registry '{registry}' already has {what} named '{name}'; choose another name."
BAD_EVENT = "Unknown event '{event}'. Choose one of: {allowed}."
BAD_ACTION = "Unknown action '{action}'. Choose 'slack' or 'webhook'."
BAD_REGEX = "The alias filter is not a valid regular expression: {error}."
REGEX_ONLY_ALIASES = (
    "An alias filter applies only to alias events (added or removed aliases, promotions)."
)
WRONG_REGISTRY = "{what} belongs to another registry."
IN_USE = "{what} '{name}' is used by automation{s} {names}; delete or change them first."
# Room for a 200-character pattern written before filters were searched, which the
# migration to search semantics wrapped as ^(?:...)$.
ALIAS_REGEX_MAX = 256
TOKEN_TOO_LONG = "The access token is longer than 2000 characters."


def _check_url(url: str, field: str, example: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000:
        raise Invalid(BAD_URL.format(field=field, example=example))
    # Early feedback for literal addresses; names are checked when connecting (http.py).
    try:
        kind = http.address_kind(parts.hostname)
    except ValueError:
        kind = None
    if kind and not settings.REGISTRY_WEBHOOK_ALLOW_PRIVATE:
        raise Invalid(PRIVATE_URL.format(field=field, kind=kind))
    return url


def _check_name(name: str, what: str, limit: int) -> str:
    name = (name or "").strip()
    if not name or len(name) > limit:
        raise Invalid(NAME_REQUIRED.format(what=what, limit=limit))
    return name


def _save_unique(obj, registry: Registry, what: str, name: str):
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise Conflict(NAME_TAKEN.format(registry=registry.name, what=what, name=name))
    return obj


def _in_use(obj, what: str, name: str, users) -> Conflict:
    names = ", ".join(f"'{a.name}'" for a in users)
    return Conflict(
        IN_USE.format(what=what, name=name, s="s" if len(users) > 1 else "", names=names)
    )


# Webhook endpoints


def _apply_endpoint_secrets(endpoint, token: str | None, secret: str | None) -> None:
    """None keeps the stored value, "" clears it, anything else replaces it."""
    if token is not None:
        token = token.strip()
        if len(token) > 2000:
            raise Invalid(TOKEN_TOO_LONG)
        endpoint.token_encrypted = secrets.encrypt(token)
    if secret is not None:
        secret = secret.strip()
        problem = secret and secrets.signing_secret_problem(secret)
        if problem:
            raise Invalid(problem)
        endpoint.secret_encrypted = secrets.encrypt(secret)


@transaction.atomic
def create_endpoint(
    *, registry: Registry, name: str, url: str, token: str = "", secret: str = "", actor
) -> WebhookEndpoint:
    permissions.check_can_admin(actor, registry, "Adding a webhook endpoint")
    name = _check_name(name, "A webhook endpoint", 100)
    url = _check_url(url, "URL", "https://ci.example.com/hooks/registry")
    endpoint = WebhookEndpoint(registry=registry, name=name, url=url, created_by=actor)
    _apply_endpoint_secrets(endpoint, token, secret)
    return _save_unique(endpoint, registry, "a webhook endpoint", name)


@transaction.atomic
def update_endpoint(
    *, endpoint: WebhookEndpoint, name: str, url: str, token=None, secret=None, actor
) -> WebhookEndpoint:
    """Blank secret fields keep what is stored; `clear` values ("") remove them."""
    registry = endpoint.registry
    permissions.check_can_admin(actor, registry, "Changing a webhook endpoint")
    endpoint.name = _check_name(name, "A webhook endpoint", 100)
    endpoint.url = _check_url(url, "URL", "https://ci.example.com/hooks/registry")
    _apply_endpoint_secrets(endpoint, token, secret)
    return _save_unique(endpoint, registry, "a webhook endpoint", endpoint.name)


@transaction.atomic
def delete_endpoint(*, endpoint: WebhookEndpoint, actor) -> None:
    permissions.check_can_admin(actor, endpoint.registry, "Deleting a webhook endpoint")
    users = list(Automation.objects.filter(endpoint=endpoint))
    if users:
        raise _in_use(endpoint, "Webhook endpoint", endpoint.name, users)
    endpoint.delete()


# Slack destinations


@transaction.atomic
def create_slack(*, registry: Registry, channel: str, url: str, actor) -> SlackDestination:
    permissions.check_can_admin(actor, registry, "Adding a Slack destination")
    channel = _check_name(channel, "A Slack destination", 80)
    url = _check_url(url, "Incoming webhook URL", "https://hooks.slack.com/services/T000/B000/XXXX")
    slack = SlackDestination(
        registry=registry, channel=channel, url_encrypted=secrets.encrypt(url), created_by=actor
    )
    return _save_unique(slack, registry, "a Slack destination", channel)


@transaction.atomic
def delete_slack(*, slack: SlackDestination, actor) -> None:
    permissions.check_can_admin(actor, slack.registry, "Deleting a Slack destination")
    users = list(Automation.objects.filter(slack=slack))
    if users:
        raise _in_use(slack, "Slack destination", slack.channel, users)
    try:
        slack.delete()
    except RestrictedError:  # created concurrently
        raise _in_use(slack, "Slack destination", slack.channel, [])


# Automations


def _clean_automation(
    automation: Automation,
    *,
    name: str,
    event: str,
    action: str,
    collection: Collection | None,
    slack: SlackDestination | None,
    endpoint: WebhookEndpoint | None,
    alias_regex: str,
    payload_template: str,
    description: str = "",
) -> None:
    registry = automation.registry
    automation.name = _check_name(name, "An automation", 128)
    automation.description = (description or "").strip()
    if event not in EventType.values:
        raise Invalid(BAD_EVENT.format(event=event, allowed=", ".join(EventType.values)))
    automation.event = event
    if collection is not None and collection.registry_id != registry.pk:
        raise Invalid(WRONG_REGISTRY.format(what=f"Collection '{collection.name}'"))
    automation.collection = collection
    alias_regex = (alias_regex or "").strip()
    if alias_regex:
        if event not in ALIAS_EVENTS:
            raise Invalid(REGEX_ONLY_ALIASES)
        if len(alias_regex) > ALIAS_REGEX_MAX:
            raise Invalid(BAD_REGEX.format(error=f"longer than {ALIAS_REGEX_MAX} characters"))
        try:
            re.compile(alias_regex)
        except re.error as exc:
            raise Invalid(BAD_REGEX.format(error=exc))
    automation.alias_regex = alias_regex
    if action == Automation.Action.SLACK:
        if slack is None or slack.registry_id != registry.pk:
            raise Invalid("A Slack message needs one of this registry's Slack destinations.")
        automation.slack, automation.endpoint, automation.payload_template = slack, None, ""
    elif action == Automation.Action.WEBHOOK:
        if endpoint is None or endpoint.registry_id != registry.pk:
            raise Invalid("A webhook needs one of this registry's webhook endpoints.")
        automation.endpoint, automation.slack = endpoint, None
        automation.payload_template = templating.validate(payload_template)
    else:
        raise Invalid(BAD_ACTION.format(action=action))
    automation.action = action


@transaction.atomic
def create_automation(*, registry: Registry, actor, enabled: bool = True, **fields) -> Automation:
    """fields: name, event, action, collection, slack, endpoint, alias_regex, payload_template,
    description."""
    permissions.check_can_admin(actor, registry, "Adding an automation")
    automation = Automation(registry=registry, created_by=actor, enabled=enabled)
    _clean_automation(automation, **_defaults(fields))
    return _save_unique(automation, registry, "an automation", automation.name)


@transaction.atomic
def update_automation(*, automation: Automation, actor, enabled: bool, **fields) -> Automation:
    registry = automation.registry
    permissions.check_can_admin(actor, registry, "Changing an automation")
    # The settings page has no description field: an edit there keeps it.
    fields.setdefault("description", automation.description)
    _clean_automation(automation, **_defaults(fields))
    automation.enabled = enabled
    return _save_unique(automation, registry, "an automation", automation.name)


@transaction.atomic
def set_automation_enabled(*, automation: Automation, enabled: bool, actor) -> Automation:
    permissions.check_can_admin(actor, automation.registry, "Changing an automation")
    if not Automation.objects.filter(pk=automation.pk).update(enabled=enabled):
        raise NotFound(AUTOMATION_GONE)
    automation.enabled = enabled
    return automation


@transaction.atomic
def delete_automation(*, automation: Automation, actor) -> None:
    permissions.check_can_admin(actor, automation.registry, "Deleting an automation")
    automation.delete()


def _defaults(fields: dict) -> dict:
    return {
        "collection": None,
        "slack": None,
        "endpoint": None,
        "alias_regex": "",
        "payload_template": "",
        **fields,
    }
