"""Registries: create, settings, roles, protected aliases."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from registry import permissions
from registry.db import lower
from registry.errors import Conflict, Invalid, NotFound
from registry.models import ProtectedAlias, Registry
from registry.names import registry_name_problem, type_problem
from registry.services.aliases import validate_alias_name
from registry.services.locks import lock_collections_of

REGISTRY_EXISTS = "A registry named '{name}' already exists."
VISIBILITY_INVALID = "Visibility must be 'organization' or 'restricted', not '{value}'."
VISIBILITY_ONE_WAY = (
    "A restricted registry cannot be made organization-wide again; visibility can only "
    "change from organization to restricted."
)
TYPES_ADD_ONLY = (
    "Accepted types can only be added, never removed: '{type}' is already accepted and "
    "collections may rely on it."
)
PROTECTED_NOT_FOUND = (
    "'{name}' is not a protected alias in registry '{registry}'; nothing was deleted."
)
PROTECTED_EXISTS = "'{name}' is already a protected alias in registry '{registry}'."
ROLE_INVALID = "Role must be one of admin, member, viewer, restricted_viewer, not '{value}'."
LAST_ADMIN = (
    "'{user}' is the only admin of restricted registry '{registry}'; make someone else admin first."
)


def _clean_types(types: Iterable[str]) -> list[str]:
    result: list[str] = []
    for raw in types or []:
        t = (raw or "").strip().lower()
        if not t:
            continue
        problem = type_problem(t)
        if problem:
            raise Invalid(problem)
        if t not in result:
            result.append(t)
    return result


@transaction.atomic
def create_registry(
    *,
    name: str,
    actor,
    description: str = "",
    visibility: str = Registry.Visibility.ORGANIZATION,
    accepted_types: Iterable[str] = ("model",),
) -> Registry:
    permissions.check_can_create_registry(actor)
    name = (name or "").strip()
    problem = registry_name_problem(name)
    if problem:
        raise Invalid(problem)
    if visibility not in (Registry.Visibility.ORGANIZATION, Registry.Visibility.RESTRICTED):
        raise Invalid(VISIBILITY_INVALID.format(value=visibility))
    if Registry.objects.filter(name__lower=lower(name)).exists():
        raise Conflict(REGISTRY_EXISTS.format(name=name))
    try:
        with transaction.atomic():
            registry = Registry.objects.create(
                name=name,
                description=(description or "").strip(),
                visibility=visibility,
                accepted_types=_clean_types(accepted_types),
                created_by=actor,
            )
    except IntegrityError:
        raise Conflict(REGISTRY_EXISTS.format(name=name)) from None
    permissions.grant_role(registry, actor, permissions.ADMIN)
    return registry


@transaction.atomic
def update_registry(
    *,
    registry: Registry,
    actor,
    description: str | None = None,
    visibility: str | None = None,
    add_types: Iterable[str] = (),
    accepted_types: Iterable[str] | None = None,
) -> Registry:
    """Edit settings. Visibility only goes organization → restricted; types are add-only.

    `accepted_types` is the whole new list (as W&B's `registry.save()` sends it): it must
    keep every type already accepted.
    """
    permissions.check_can_admin(actor, registry, "Editing registry settings")
    registry = Registry.objects.select_for_update().get(pk=registry.pk)
    if accepted_types is not None:
        kept = {t.lower() for t in _clean_types(accepted_types)}
        dropped = [t for t in registry.accepted_types if t.lower() not in kept]
        if dropped:
            raise Invalid(TYPES_ADD_ONLY.format(type=dropped[0]))
        add_types = [*add_types, *accepted_types]
    if description is not None:
        registry.description = description.strip()
    if visibility is not None and visibility != registry.visibility:
        if visibility not in (Registry.Visibility.ORGANIZATION, Registry.Visibility.RESTRICTED):
            raise Invalid(VISIBILITY_INVALID.format(value=visibility))
        if visibility == Registry.Visibility.ORGANIZATION:
            raise Invalid(VISIBILITY_ONE_WAY)
        registry.visibility = visibility
    existing = {t.lower() for t in registry.accepted_types}
    registry.accepted_types = list(registry.accepted_types) + [
        t for t in _clean_types(add_types) if t not in existing
    ]
    registry.save()
    return registry


@transaction.atomic
def set_role(*, registry: Registry, user, role: str | None, actor) -> None:
    """Grant `role` to `user` in `registry`, or remove their role with None."""
    permissions.check_can_admin(actor, registry, "Changing members and roles")
    if role is not None and role not in permissions.ROLES:
        raise Invalid(ROLE_INVALID.format(value=role))
    # Fresh and locked: two admins demoting each other at once cannot both pass the
    # last-admin check, and a visibility change just made is seen.
    registry = Registry.objects.select_for_update().get(pk=registry.pk)
    if role != permissions.ADMIN and registry.visibility == Registry.Visibility.RESTRICTED:
        admins = [u for u, r in permissions.granted_roles(registry) if r == permissions.ADMIN]
        if admins == [user] and not user.is_superuser:
            raise Invalid(LAST_ADMIN.format(user=user.get_username(), registry=registry.name))
    permissions.grant_role(registry, user, role)


@transaction.atomic
def create_protected_alias(*, registry: Registry, name: str, actor) -> ProtectedAlias:
    permissions.check_can_admin(actor, registry, "Creating a protected alias")
    name = validate_alias_name(name)
    lock_collections_of(registry)
    if ProtectedAlias.objects.filter(registry=registry, name__lower=lower(name)).exists():
        raise Conflict(PROTECTED_EXISTS.format(name=name, registry=registry.name))
    try:
        with transaction.atomic():
            return ProtectedAlias.objects.create(registry=registry, name=name, created_by=actor)
    except IntegrityError:  # created concurrently by another admin
        raise Conflict(PROTECTED_EXISTS.format(name=name, registry=registry.name)) from None


@transaction.atomic
def delete_protected_alias(*, registry: Registry, name: str, actor) -> None:
    permissions.check_can_admin(actor, registry, "Deleting a protected alias")
    deleted, _ = ProtectedAlias.objects.filter(registry=registry, name__lower=lower(name)).delete()
    if not deleted:
        raise NotFound(PROTECTED_NOT_FOUND.format(name=name, registry=registry.name))
