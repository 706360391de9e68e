"""Registry settings (admins only): protected aliases, members and roles, general settings,
and the automations overview."""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from registry import permissions
from registry.errors import Invalid, NotFound
from registry.models import ProtectedAlias, Registry
from registry.selectors.automations import automations_overview
from registry.selectors.chips import Chip, ChipKind
from registry.services import registries
from registry.views.forms import (
    ConfirmForm,
    MemberForm,
    ProtectedAliasForm,
    RegistrySettingsForm,
    RoleForm,
)
from registry.views.pages import confirm_page, page_view, render_page, submit

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
    policies = list(ProtectedAlias.objects.filter(registry=reg))
    for policy in policies:
        policy.conditions_json = json.dumps(policy.conditions, ensure_ascii=False)
    context = {
        "registry": reg,
        "current_role": permissions.role_label(permissions.role_of(request.user, reg)),
        "protected": [Chip(p.name, ChipKind.PROTECTED) for p in policies],
        "policies": policies,
        "members": [
            (user, role, permissions.ROLE_LABELS[role])
            for user, role in permissions.granted_roles(reg)
        ],
        "roles": [(r, permissions.ROLE_LABELS[r]) for r in reversed(permissions.ROLES)],
        "visibility_choices": Registry.Visibility.choices,
        **extra,
    }
    if partial is None:
        context.update(automations_overview(reg, request.user))
    return render_page(request, TEMPLATE, context, partial=partial, status=status)


# The template name of each section's form, shown again with its refusal.
FORM_NAMES = {"protected": "protected_form", "members": "member_form", "general": "general_form"}


def _change(request, reg, form, action, *, partial: str, **refused_context):
    """A settings form: a refusal re-renders `partial` with the message; success renders
    it fresh (htmx) or returns to the settings page."""

    def refused(form, status):
        context = {**refused_context, FORM_NAMES[partial]: form}
        return _render(request, reg, partial=partial, status=status, **context)

    def done(result):
        fresh = result if isinstance(result, Registry) else reg
        return _render(request, fresh, partial=partial)

    return submit(request, form, action, refused=refused, done=done, success_url=_url(reg))


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
    return _change(
        request,
        reg,
        ProtectedAliasForm(request.POST),
        lambda data: registries.create_protected_alias(
            registry=reg, name=data["name"], actor=request.user
        ),
        partial="protected",
        adding=True,
    )


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
    return _change(
        request,
        reg,
        ConfirmForm({}),
        lambda _: registries.delete_protected_alias(registry=reg, name=name, actor=request.user),
        partial="protected",
    )


def _active_user(username: str):
    user = get_user_model().objects.filter(username__iexact=username, is_active=True).first()
    if user is None:
        raise Invalid(USER_NOT_FOUND.format(username=username))
    return user


@page_view
@require_POST
def member_add(request, registry):
    reg = _load(request, registry)
    return _change(
        request,
        reg,
        MemberForm(request.POST),
        lambda data: registries.set_role(
            registry=reg,
            user=_active_user(data["username"].strip()),
            role=data["role"],
            actor=request.user,
        ),
        partial="members",
    )


@page_view
@require_POST
def member_update(request, registry, username):
    """Change a member's role, or remove them (`role` empty, or the Remove button)."""
    reg = _load(request, registry)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound(USER_NOT_FOUND.format(username=username))
    return _change(
        request,
        reg,
        RoleForm(request.POST),
        lambda data: registries.set_role(
            registry=reg,
            user=user,
            role=None if data["remove"] else (data["role"] or None),
            actor=request.user,
        ),
        partial="members",
    )


@page_view
@require_POST
def general_update(request, registry):
    """Description, visibility (organization → restricted only) and added accepted types."""
    reg = _load(request, registry)
    return _change(
        request,
        reg,
        RegistrySettingsForm(request.POST),
        lambda data: registries.update_registry(
            registry=reg,
            actor=request.user,
            description=data["description"] if "description" in request.POST else None,
            visibility=data["visibility"] or None,
            add_types=data["add_types"],
        ),
        partial="general",
    )
