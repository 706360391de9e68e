"""Shared by the automation views: registry lookup with permission checks, error pages."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from registry import permissions
from registry.errors import RegistryError
from registry.models import Automation, Registry
from registry.views.common import ERROR_TITLES


def refusals(view):
    """Login required; RegistryError → a page saying why, with its status (403/404/400)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except RegistryError as exc:
            context = {
                "message": exc.message,
                "status": exc.status,
                "title": ERROR_TITLES.get(exc.status),
            }
            return render(request, "registry/error.html", context, status=exc.status)

    return wrapper


def admin_registry(request, name: str, action: str = "Managing automations") -> Registry:
    """The registry if the user is its admin: 404 when they cannot see it, 403 otherwise."""
    registry = permissions.get_registry_for_user(request.user, name)
    permissions.check_can_admin(request.user, registry, action)
    return registry


def registry_object(model, registry: Registry, pk: int):
    return get_object_or_404(model, pk=pk, registry=registry)


def automation_for(registry: Registry, pk: int) -> Automation:
    return get_object_or_404(
        Automation.objects.select_related("slack", "endpoint", "collection", "registry"),
        pk=pk,
        registry=registry,
    )
