"""Registry settings (admins only): protected aliases, members and roles, general settings."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from registry import permissions
from registry.errors import Conflict, Forbidden, Invalid, NotFound
from registry.models import ProtectedAlias, Registry
from registry.selectors import PROTECTED, Chip
from registry.services import registries
from registry.views.common import confirm_page, page_view, render_page, split_words

TEMPLATE = "registry/settings.html"
PARTIALS = {"protected", "members", "general"}
USER_NOT_FOUND = "There is no active user named '{username}'; check the spelling."


def _load(request, registry: str) -> Registry:
    reg = permissions.get_registry_for_user(request.user, registry)
    permissions.check_can_admin(request.user, reg, "Viewing and editing registry settings")
    return reg


def _url(reg) -> str:
    return reverse("registry_settings", args=[reg.name])


def _render(request, reg, *, partial=None, status=200, **extra):
    context = {
        "registry": reg,
        "current_role": permissions.role_label(permissions.role_of(request.user, reg)),
        "protected": [Chip(p.name, PROTECTED) for p in ProtectedAlias.objects.filter(registry=reg)],
        "members": [
            (user, role, permissions.ROLE_LABELS[role])
            for user, role in permissions.granted_roles(reg)
        ],
        "roles": [(r, permissions.ROLE_LABELS[r]) for r in reversed(permissions.ROLES)],
        "visibility_choices": Registry.VISIBILITY_CHOICES,
        **extra,
    }
    return render_page(request, TEMPLATE, context, partial=partial, status=status)


def _done(request, reg, partial: str):
    if not request.htmx:
        return redirect(_url(reg))
    return _render(request, reg, partial=partial)


@page_view
@require_http_methods(["GET"])
def settings_page(request, registry):
    reg = _load(request, registry)
    target = request.htmx.target if request.htmx else None
    return _render(request, reg, partial=target if target in PARTIALS else None)


@page_view
@require_http_methods(["GET", "POST"])
def protected_add(request, registry):
    """GET opens the Add protected alias input; POST creates the protected alias."""
    reg = _load(request, registry)
    if request.method == "GET":
        return _render(request, reg, partial="protected", adding=True)
    name = request.POST.get("name", "")
    try:
        registries.create_protected_alias(registry=reg, name=name, actor=request.user)
    except (Invalid, Conflict) as exc:
        return _render(
            request,
            reg,
            partial="protected",
            status=exc.status,
            adding=True,
            protected_error=exc.message,
            protected_value=name,
        )
    return _done(request, reg, "protected")


@page_view
@require_http_methods(["GET", "POST"])
def protected_delete(request, registry, name):
    reg = _load(request, registry)
    if request.method == "GET":
        return confirm_page(
            request,
            reg,
            title=f"Delete protected alias {name}",
            message=(
                f"Delete the protected alias '{name}' from registry '{reg.name}'? Versions "
                f"holding '{name}' keep it as an ordinary custom alias."
            ),
            button=f"Delete protected alias {name}",
            danger=True,
            cancel=_url(reg),
        )
    registries.delete_protected_alias(registry=reg, name=name, actor=request.user)
    return _done(request, reg, "protected")


@page_view
@require_POST
def member_add(request, registry):
    reg = _load(request, registry)
    username = request.POST.get("username", "").strip()
    role = request.POST.get("role", "")
    user = get_user_model().objects.filter(username__iexact=username, is_active=True).first()
    try:
        if user is None:
            raise Invalid(USER_NOT_FOUND.format(username=username))
        registries.set_role(registry=reg, user=user, role=role, actor=request.user)
    except Invalid as exc:
        return _render(
            request,
            reg,
            partial="members",
            status=exc.status,
            member_error=exc.message,
            member_value=username,
        )
    return _done(request, reg, "members")


@page_view
@require_POST
def member_update(request, registry, username):
    """Change a member's role, or remove them (`role` empty, or the Remove button)."""
    reg = _load(request, registry)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound(USER_NOT_FOUND.format(username=username))
    role = None if "remove" in request.POST else (request.POST.get("role") or None)
    try:
        registries.set_role(registry=reg, user=user, role=role, actor=request.user)
    except Invalid as exc:
        return _render(request, reg, partial="members", status=exc.status, member_error=exc.message)
    return _done(request, reg, "members")


@page_view
@require_POST
def general_update(request, registry):
    """Description, visibility (organization → restricted only) and added accepted types."""
    reg = _load(request, registry)
    try:
        reg = registries.update_registry(
            registry=reg,
            actor=request.user,
            description=request.POST.get("description"),
            visibility=request.POST.get("visibility") or None,
            add_types=split_words(request.POST.get("add_types", "")),
        )
    except (Invalid, Forbidden) as exc:
        return _render(
            request, reg, partial="general", status=exc.status, general_error=exc.message
        )
    return _done(request, reg, "general")
