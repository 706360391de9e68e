"""Django forms for the inputs of the core pages: shapes only; services hold the rules."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone

from registry.names import ALIAS_MAX, TAG_MAX, split_list

# Several comma-separated aliases fit in one Add alias input.
ALIASES_INPUT_MAX = 8 * (ALIAS_MAX + 2)


TOO_LONG = "At most {limit} characters in all."


class ListField(forms.CharField):
    """A comma-separated field ("a, b,") cleaned to its non-empty items."""

    def __init__(self, *, max_chars: int, **kwargs):
        super().__init__(**kwargs)
        self.max_chars = max_chars
        self.widget.attrs["maxlength"] = str(max_chars)

    def to_python(self, value):
        text = super().to_python(value)
        if len(text) > self.max_chars:
            raise forms.ValidationError(TOO_LONG.format(limit=self.max_chars))
        return split_list(text)


class AliasesForm(forms.Form):
    name = ListField(label="New alias", max_chars=ALIASES_INPUT_MAX)
    # Organization admins moving a protected alias past its failing gates say why.
    override_reason = forms.CharField(required=False, max_length=2000)


class TagsForm(forms.Form):
    tags = ListField(label="New tags", max_chars=20 * (TAG_MAX + 2))


class DescriptionForm(forms.Form):
    description = forms.CharField(required=False, max_length=100_000, strip=True)


class RegistryForm(forms.Form):
    """New registry (org admins); the service checks names, visibility and types."""

    name = forms.CharField(required=False)
    description = forms.CharField(required=False)
    visibility = forms.CharField(required=False, initial="organization")
    accepted_types = ListField(required=False, max_chars=2000, initial="model")


class CollectionForm(forms.Form):
    name = forms.CharField(required=False)
    type = forms.CharField(required=False)
    description = forms.CharField(required=False)
    tags = ListField(required=False, max_chars=20 * (TAG_MAX + 2))


class ProtectedAliasForm(forms.Form):
    name = forms.CharField(required=False, max_length=ALIAS_MAX)


class MemberForm(forms.Form):
    username = forms.CharField(required=False, max_length=150)
    role = forms.CharField(required=False)


class RoleForm(forms.Form):
    """A member's new role; the Remove button (or an empty role) removes them."""

    role = forms.CharField(required=False)
    remove = forms.BooleanField(required=False)


class RegistrySettingsForm(forms.Form):
    description = forms.CharField(required=False, max_length=100_000)
    visibility = forms.CharField(required=False)
    add_types = ListField(required=False, max_chars=2000)


class ApiKeyForm(forms.Form):
    """A new API key: its name and scope; the service checks the values."""

    EXPIRY_CHOICES = [
        ("", "Never"),
        ("7", "In 7 days"),
        ("30", "In 30 days"),
        ("90", "In 90 days"),
        ("365", "In a year"),
    ]
    name = forms.CharField(required=False)
    access = forms.ChoiceField(
        choices=[("read-write", "read-write"), ("read-only", "read-only")],
        required=False,
        error_messages={"invalid_choice": "Choose the key's access: read-only or read-write."},
    )
    expires = forms.ChoiceField(
        choices=EXPIRY_CHOICES,
        required=False,
        error_messages={
            "invalid_choice": "Choose when the key expires: never, or in 7, 30, 90 or 365 days."
        },
    )
    registries = forms.MultipleChoiceField(required=False)

    def __init__(self, *args, registries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.registries = {r.name: r for r in registries}
        self.fields["registries"].choices = [(name, name) for name in self.registries]
        self.fields["registries"].error_messages["invalid_choice"] = (
            "There is no registry '%(value)s' that you can see; choose among the listed ones."
        )

    def scope(self) -> dict:
        """The scope arguments of `create_api_key`."""
        data = self.cleaned_data
        days = data["expires"]
        names = data["registries"]
        return {
            "read_only": data["access"] == "read-only",
            "registries": [self.registries[n] for n in names] if names else None,
            "expires_at": timezone.now() + timedelta(days=int(days)) if days else None,
        }


class ConfirmForm(forms.Form):
    """A confirmed removal: nothing to type."""


class PromotionRequestForm(forms.Form):
    alias = forms.CharField(required=False, max_length=ALIAS_MAX)
    reason = forms.CharField(required=False, max_length=2000)


class PromotionDecisionForm(forms.Form):
    comment = forms.CharField(required=False, max_length=2000)
    override_reason = forms.CharField(required=False, max_length=2000)


class GatesForm(forms.Form):
    required_approvals = forms.IntegerField(min_value=1, max_value=20)
    conditions = forms.JSONField(required=False)
    require_finished_run = forms.BooleanField(required=False)
