"""Automations from code, in the shape of W&B's `wandb.automations`.

    from registry_sdk.automations import ArtifactEvent, OnAddArtifactAlias, SendWebhook

    hook = next(api.webhook_integrations(registry="Model"))
    event = OnAddArtifactAlias(scope=api.registry("Model"),
                               filter=ArtifactEvent.alias.matches_regex("^prod"))
    api.create_automation(event >> SendWebhook.from_integration(hook), name="deploy")

Events fire in a registry or one of its collections (the scope); an alias filter is a
regular expression searched in the alias. Actions send a webhook or a Slack message.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

from registry_sdk.errors import UsageError

# Events a registry automation can fire on (W&B's names).
LINK_ARTIFACT = "LINK_ARTIFACT"
ADD_ARTIFACT_ALIAS = "ADD_ARTIFACT_ALIAS"
REMOVE_ARTIFACT_ALIAS = "REMOVE_ARTIFACT_ALIAS"
UNLINK_ARTIFACT = "UNLINK_ARTIFACT"


@dataclass(frozen=True)
class AliasFilter:
    """A regular expression searched in the alias (W&B's `matches_regex`)."""

    regex: str


class _AliasField:
    def matches_regex(self, pattern: str) -> AliasFilter:
        re.compile(pattern)
        return AliasFilter(pattern)

    def eq(self, alias: str) -> AliasFilter:
        """Exactly this alias (ignoring case, as aliases are unique regardless of case)."""
        return AliasFilter(f"^{re.escape(alias)}$")


class ArtifactEvent:
    alias = _AliasField()


@dataclass(frozen=True)
class WebhookIntegration:
    """A registry's webhook endpoint (W&B: a generic webhook integration)."""

    registry: str
    name: str
    url_endpoint: str
    has_token: bool = False
    has_secret: bool = False


@dataclass(frozen=True)
class SlackIntegration:
    """A registry's Slack destination; its URL is a secret the server never returns."""

    registry: str
    channel_name: str


def _scope_names(scope) -> tuple[str, str | None]:
    """(registry, collection or None) of a Registry or ArtifactCollection (or a path)."""
    if isinstance(scope, str):
        from registry_sdk import paths

        if "/" in scope:
            parsed = paths.parse(scope, allow_ref=False)
            return parsed.registry, parsed.collection
        return scope.removeprefix(paths.REGISTRY_PREFIX), None
    from registry_sdk.collection import ArtifactCollection
    from registry_sdk.registries import Registry

    if isinstance(scope, ArtifactCollection):
        return scope.registry, scope.name
    if isinstance(scope, Registry):
        return scope.name, None
    raise UsageError(
        "scope must be a registry (api.registry('Model')) or a collection "
        "(api.artifact_collection('model', 'wandb-registry-Model/zoo'))."
    )


@dataclass(frozen=True)
class _Event:
    EVENT = ""
    scope: Any
    filter: AliasFilter | None = None

    def then(self, action: _Action) -> NewAutomation:
        return NewAutomation(event=self, action=action)

    def __rshift__(self, action: _Action) -> NewAutomation:
        return self.then(action)

    def _fields(self) -> dict[str, Any]:
        registry, collection = _scope_names(self.scope)
        regex = self.filter.regex if self.filter is not None else ""
        if regex and self.EVENT not in (ADD_ARTIFACT_ALIAS, REMOVE_ARTIFACT_ALIAS):
            raise UsageError(f"An alias filter applies to alias events, not {self.EVENT}.")
        return {
            "registry": registry,
            "collection": collection,
            "event": self.EVENT,
            "alias_regex": regex,
        }


class OnLinkArtifact(_Event):
    EVENT = LINK_ARTIFACT


class OnAddArtifactAlias(_Event):
    EVENT = ADD_ARTIFACT_ALIAS


class OnRemoveArtifactAlias(_Event):
    EVENT = REMOVE_ARTIFACT_ALIAS


class OnUnlinkArtifact(_Event):
    EVENT = UNLINK_ARTIFACT


@dataclass(frozen=True)
class _Action:
    def _fields(self) -> dict[str, Any]:
        raise NotImplementedError


@dataclass(frozen=True)
class SendWebhook(_Action):
    """POST a JSON payload to a webhook endpoint. `payload` may use ${alias}, ${event_type},
    ${artifact_version_string}... (the server's template variables)."""

    integration: WebhookIntegration
    payload: dict[str, Any] | None = None

    @classmethod
    def from_integration(
        cls, integration: WebhookIntegration, *, payload: dict[str, Any] | None = None
    ) -> SendWebhook:
        return cls(integration=integration, payload=payload)

    def _fields(self) -> dict[str, Any]:
        return {
            "registry": self.integration.registry,
            "action": "webhook",
            "endpoint": self.integration.name,
            "payload_template": json.dumps(self.payload) if self.payload is not None else "",
        }


@dataclass(frozen=True)
class SendNotification(_Action):
    """A Slack message. The server writes the message (alias, version, who, link)."""

    integration: SlackIntegration
    title: str = ""
    text: str = ""

    @classmethod
    def from_integration(
        cls, integration: SlackIntegration, *, title: str = "", text: str = "", **_level
    ) -> SendNotification:
        if title or text:
            warnings.warn(
                "Slack messages are written by the server (alias, version, author, link); "
                "title and text are not used.",
                UserWarning,
                stacklevel=2,
            )
        return cls(integration=integration, title=title, text=text)

    def _fields(self) -> dict[str, Any]:
        return {
            "registry": self.integration.registry,
            "action": "slack",
            "slack": self.integration.channel_name,
        }


@dataclass(frozen=True)
class NewAutomation:
    """An event and an action, not saved yet: `api.create_automation(...)` saves it."""

    event: _Event
    action: _Action
    name: str | None = None
    description: str | None = None
    enabled: bool = True

    def _body(self, name: str | None, description: str | None, enabled: bool | None) -> dict:
        event, action = self.event._fields(), self.action._fields()
        if event["registry"].lower() != action["registry"].lower():
            raise UsageError(
                f"The action's integration belongs to registry '{action['registry']}', "
                f"the event to '{event['registry']}': use one of the event registry's."
            )
        name = name or self.name
        if not name:
            raise UsageError("An automation needs a name: create_automation(..., name='deploy').")
        return {
            **event,
            **action,
            "name": name,
            "description": description if description is not None else self.description or "",
            "enabled": self.enabled if enabled is None else enabled,
        }


@dataclass
class Automation:
    """A saved automation. Change its fields and call `api.update_automation(automation)`."""

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
    created_at: str | None = None
    _saved_name: str = field(default="", repr=False)

    @classmethod
    def _from(cls, data: dict[str, Any]) -> Automation:
        fields = {k: data.get(k) for k in cls.__dataclass_fields__ if not k.startswith("_")}
        return cls(**fields, _saved_name=data["name"])

    @property
    def scope(self) -> str:
        base = f"wandb-registry-{self.registry}"
        return f"{base}/{self.collection}" if self.collection else base

    def _patch(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "event": self.event,
            "collection": self.collection,
            "scope_registry": self.collection is None,
            "alias_regex": self.alias_regex,
            "action": self.action,
            "endpoint": self.endpoint,
            "slack": self.slack,
            "payload_template": self.payload_template,
            "enabled": self.enabled,
        }


__all__ = [
    "ArtifactEvent",
    "Automation",
    "NewAutomation",
    "OnAddArtifactAlias",
    "OnLinkArtifact",
    "OnRemoveArtifactAlias",
    "OnUnlinkArtifact",
    "SendNotification",
    "SendWebhook",
    "SlackIntegration",
    "WebhookIntegration",
]
