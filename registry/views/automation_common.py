"""Shared by the automation views: the registry and its objects, for admins only."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from registry import permissions
from registry.models import Automation, Registry


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
