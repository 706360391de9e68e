"""The API keys page: create a key (shown once), list keys, revoke one."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from registry import permissions
from registry.errors import Invalid, RegistryError
from registry.services import api_keys

TEMPLATE = "registry/api_keys.html"


EXPIRY_CHOICES = [
    ("", "Never"),
    ("7", "In 7 days"),
    ("30", "In 30 days"),
    ("90", "In 90 days"),
    ("365", "In a year"),
]
EXPIRY_INVALID = "Choose when the key expires: never, or in 7, 30, 90 or 365 days."
ACCESS_INVALID = "Choose the key's access: read-only or read-write."
UNKNOWN_REGISTRY = "There is no registry '{name}' that you can see; choose among the listed ones."


def _scope_from_form(request) -> dict:
    """The scope arguments of `create_api_key` from the form; Invalid on a bad value."""
    access = request.POST.get("access", "read-write")
    if access not in ("read-only", "read-write"):
        raise Invalid(ACCESS_INVALID)
    days = request.POST.get("expires", "")
    if days not in {value for value, _ in EXPIRY_CHOICES}:
        raise Invalid(EXPIRY_INVALID)
    registries = None
    names = request.POST.getlist("registries")
    if names:
        visible = {r.name: r for r in permissions.visible_registries(request.user)}
        registries = []
        for name in names:
            if name not in visible:
                raise Invalid(UNKNOWN_REGISTRY.format(name=name))
            registries.append(visible[name])
    return {
        "read_only": access == "read-only",
        "registries": registries,
        "expires_at": timezone.now() + timedelta(days=int(days)) if days else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def api_keys_page(request):
    context = {"new_key": None, "error": None, "name": "", "form": {}}
    status = 200
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            key, raw_key = api_keys.create_api_key(
                user=request.user, name=name, **_scope_from_form(request)
            )
        except RegistryError as exc:
            context.update(error=exc.message, name=name, form=request.POST)
            status = exc.status
        else:
            # Rendered in this response only: the raw key is never stored or shown again.
            context["new_key"] = {"name": key.name, "raw": raw_key}
    keys = list(api_keys.active_keys(request.user))
    now = timezone.now()
    for key in keys:
        key.scope_text = api_keys.scope_of_key(key).describe()
        key.expired = key.expires_at is not None and key.expires_at <= now
    context.update(
        keys=keys,
        registries=permissions.visible_registries(request.user).order_by("name"),
        expiry_choices=EXPIRY_CHOICES,
    )
    response = render(request, TEMPLATE, context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke(request, key_id: int):
    try:
        key = api_keys.revoke_api_key(user=request.user, key_id=key_id)
    except RegistryError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"API key '{key.name}' revoked; it no longer works.")
    return redirect("api_keys")
