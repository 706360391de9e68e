"""The API keys page: create a key (shown once) with its scope, list keys, revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from registry import permissions
from registry.errors import RegistryError
from registry.key_auth import scope_of_key
from registry.selectors.api_keys import active_keys
from registry.services import api_keys
from registry.views.forms import ApiKeyForm
from registry.views.pages import page_view

TEMPLATE = "registry/api_keys.html"


@page_view
@require_http_methods(["GET", "POST"])
def api_keys_page(request):
    """List keys; POST creates one and shows it in this response only.

    Not `pages.submit`: success must render (the raw key is shown once, never stored or
    sent again), not redirect.
    """
    registries = list(permissions.visible_registries(request.user).order_by("name"))
    data = request.POST if request.method == "POST" else None
    form = ApiKeyForm(data, registries=registries)
    context = {"new_key": None, "form": form}
    status = 400 if form.is_bound else 200
    if form.is_bound and form.is_valid():
        try:
            key, raw_key = api_keys.create_api_key(
                user=request.user, name=form.cleaned_data["name"], **form.scope()
            )
        except RegistryError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            context["new_key"] = {"name": key.name, "raw": raw_key}
            context["form"] = ApiKeyForm(registries=registries)
            status = 200
    keys = list(active_keys(request.user))
    now = timezone.now()
    for key in keys:
        key.scope_text = scope_of_key(key).describe()
        key.expired = key.expires_at is not None and key.expires_at <= now
    context.update(keys=keys, registries=registries, expiry_choices=ApiKeyForm.EXPIRY_CHOICES)
    response = render(request, TEMPLATE, context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@page_view
@require_POST
def revoke(request, key_id: int):
    try:
        key = api_keys.revoke_api_key(user=request.user, key_id=key_id)
    except RegistryError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"API key '{key.name}' revoked; it no longer works.")
    return redirect("api_keys")
