"""The API keys page: create a key (shown once), list keys, revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from registry.errors import RegistryError
from registry.services import api_keys

TEMPLATE = "registry/api_keys.html"


@login_required
@require_http_methods(["GET", "POST"])
def api_keys_page(request):
    context = {"new_key": None, "error": None, "name": ""}
    status = 200
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            key, raw_key = api_keys.create_api_key(user=request.user, name=name)
        except RegistryError as exc:
            context.update(error=exc.message, name=name)
            status = exc.status
        else:
            # Rendered in this response only: the raw key is never stored or shown again.
            context["new_key"] = {"name": key.name, "raw": raw_key}
    context["keys"] = api_keys.active_keys(request.user)
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
