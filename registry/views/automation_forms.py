"""Forms for the automation settings. Shapes only; rules live in the services."""

from __future__ import annotations

from django import forms

from registry.models import Automation
from registry.models.automations import EventType
from registry.services.automation_settings import ALIAS_REGEX_MAX
from registry.webhooks.templating import DEFAULT_TEMPLATE

SECRET_KEPT = "Leave blank to keep the stored value."


class EndpointForm(forms.Form):
    name = forms.CharField(max_length=100)
    url = forms.CharField(label="URL", max_length=2000)
    token = forms.CharField(
        label="Access token (sent as Authorization: Bearer)",
        required=False,
        max_length=2000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    secret = forms.CharField(
        label="Signing secret (whsec_…)",
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    clear_token = forms.BooleanField(label="Remove the stored access token", required=False)
    clear_secret = forms.BooleanField(label="Remove the stored signing secret", required=False)


class SlackForm(forms.Form):
    channel = forms.CharField(label="Channel (shown to users, e.g. #deployments)", max_length=80)
    url = forms.CharField(
        label="Incoming webhook URL",
        max_length=2000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )


class AutomationForm(forms.Form):
    name = forms.CharField(max_length=128)
    scope = forms.ChoiceField(label="Scope", required=False)
    event = forms.ChoiceField(choices=EventType.choices)
    alias_regex = forms.CharField(
        label="Alias filter (optional regular expression)",
        help_text=(
            "Searched in the alias, ignoring case, as W&B's matches_regex: ^prod matches "
            "prod and prod-candidate; write ^prod$ to match the whole alias only."
        ),
        required=False,
        max_length=ALIAS_REGEX_MAX,
    )
    action = forms.ChoiceField(choices=Automation.Action.choices, widget=forms.RadioSelect)
    slack = forms.TypedChoiceField(label="Slack destination", required=False, coerce=int)
    endpoint = forms.TypedChoiceField(label="Webhook endpoint", required=False, coerce=int)
    payload_template = forms.CharField(
        label="JSON payload template",
        required=False,
        initial=DEFAULT_TEMPLATE,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
    )
    enabled = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args, registry, **kwargs):
        super().__init__(*args, **kwargs)
        self.registry = registry
        self.collections = {c.pk: c for c in registry.collections.order_by("name")}
        self.slacks = {s.pk: s for s in registry.slack_destinations.all()}
        self.endpoints = {e.pk: e for e in registry.webhook_endpoints.all()}
        self.fields["scope"].choices = [("", f"Registry {registry.name} (all collections)")] + [
            (str(pk), f"Collection {c.name}") for pk, c in self.collections.items()
        ]
        self.fields["slack"].choices = [("", "—")] + [
            (pk, s.channel) for pk, s in self.slacks.items()
        ]
        self.fields["endpoint"].choices = [("", "—")] + [
            (pk, e.name) for pk, e in self.endpoints.items()
        ]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        scope = data.get("scope")
        return {
            "name": data["name"],
            "event": data["event"],
            "action": data["action"],
            "collection": self.collections.get(int(scope)) if scope else None,
            "slack": self.slacks.get(data.get("slack")),
            "endpoint": self.endpoints.get(data.get("endpoint")),
            "alias_regex": data.get("alias_regex", ""),
            "payload_template": data.get("payload_template", ""),
        }

    @staticmethod
    def initial_for(automation: Automation) -> dict:
        return {
            "name": automation.name,
            "scope": str(automation.collection_id or ""),
            "event": automation.event,
            "alias_regex": automation.alias_regex,
            "action": automation.action,
            "slack": automation.slack_id,
            "endpoint": automation.endpoint_id,
            "payload_template": automation.payload_template or DEFAULT_TEMPLATE,
            "enabled": automation.enabled,
        }
