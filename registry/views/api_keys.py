"""The API keys page: create a key (shown once), list keys, revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from registry.errors import RegistryError
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
    form = ApiKeyForm(request.POST if request.method == "POST" else None)
    context = {"new_key": None, "form": form}
    status = 200
    if form.is_bound and form.is_valid():
        try:
            key, raw_key = api_keys.create_api_key(
                user=request.user, name=form.cleaned_data["name"]
            )
        except RegistryError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            context["new_key"] = {"name": key.name, "raw": raw_key}
            context["form"] = ApiKeyForm()
    context["keys"] = active_keys(request.user)
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
