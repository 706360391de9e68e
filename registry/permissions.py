"""Roles and what they allow. The only module that talks to django-guardian.

A user's role in a registry is the highest that applies: org admins (superusers) are
Admin everywhere; a granted role (object permission); and every signed-in user is at
least Viewer of an `organization` registry. `restricted` registries are invisible to
users without a role. Checks raise `Forbidden` with a message that names the role needed
and why; lookups raise `NotFound` for what a user may not see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import CharField, OuterRef, Q, QuerySet, StringAgg, Subquery, Value
from django.db.models.functions import Cast
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import (
    assign_perm,
    get_objects_for_user,
    get_users_with_perms,
    remove_perm,
)
from guardian.utils import get_user_obj_perms_model

from registry import key_scopes
from registry.db import lower
from registry.errors import Forbidden, NotFound
from registry.models import Collection, LinkedVersion, Registry, Team, TeamMembership

# The roles are part of this module's interface (views and tests name them through it).
from registry.roles import (  # noqa: F401
    ADMIN,
    MEMBER,
    RESTRICTED_VIEWER,
    ROLE_LABELS,
    ROLES,
    VIEWER,
    rank,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

_PERM = {role: f"role_{role}" for role in ROLES}
_ROLE_OF_PERM = {perm: role for role, perm in _PERM.items()}

REGISTRY_NOT_FOUND = "Registry '{name}' does not exist or you do not have access to it."
NEED_ROLE = (
    "{action} in registry '{registry}' needs the {needed} role or higher; your role is {role}."
)
NEED_ADMIN = "{action} in registry '{registry}' needs the Admin role; your role is {role}."
NEED_ORG_ADMIN = "Creating a registry needs an organization admin; ask one to create it."
REQUEST_INSTEAD = (
    "Request a promotion instead and a registry admin can approve it: POST "
    '.../versions/<ref>/promotions with {{"alias": "{alias}", "reason": ...}}, or '
    'artifact.request_promotion("{alias}", reason=...) in the SDK.'
)
PROTECTED_ALIAS = (
    "'{alias}' is a protected alias in registry '{registry}'; only registry admins can {verb} it."
)
UNLINK_PROTECTED = (
    "v{index} of '{collection}' holds the protected alias '{alias}' in registry "
    "'{registry}'; only registry admins can unlink it."
)
NOT_TEAM_MEMBER = "You are not a member of entity '{name}'; ask one of its admins to add you."
DELETE_PROTECTED = (
    "Collection '{collection}' holds the protected alias '{alias}' in registry "
    "'{registry}'; only registry admins can delete it."
)


class RoleChecker(ObjectPermissionChecker):
    """guardian's permission checker, asking only for the user's own grants.

    Roles are granted to users, never to groups (see `grant_role`), so the group half of
    guardian's lookup would always be empty: one query per registry instead of two.
    Results stay in guardian's per-checker cache, and the checker lives on the user
    object, so it lasts one request.
    """

    def get_perms(self, obj: Registry) -> list[str]:
        key = self.get_local_cache_key(obj)
        if key not in self._obj_perms_cache:
            self._obj_perms_cache[key] = list(self.get_user_perms(obj))
        return self._obj_perms_cache[key]


def _checker(user) -> RoleChecker:
    checker = getattr(user, "_role_checker", None)
    if checker is None:
        checker = user._role_checker = RoleChecker(user)
    return checker


def _granted_role(user, registry: Registry) -> str | None:
    """The highest role granted to the user in the registry (guardian object permissions)."""
    roles = [_ROLE_OF_PERM[p] for p in _checker(user).get_perms(registry) if p in _ROLE_OF_PERM]
    return max(roles, key=rank) if roles else None


def grants_column(user_id, registry_id: str) -> Subquery:
    """The user's permissions on a registry, comma-joined: guardian's own rows, read as a
    column of a statement that reads the registry anyway (the collection lock), so a
    write learns its writer's role without a statement of its own (guardian's query was
    a quarter of an API move's CPU). `user_id`: an expression; `registry_id`: the outer
    row's column. `remember_grants` hands the value to the request's permission checker."""
    grants = get_user_obj_perms_model().objects.filter(
        user_id=user_id,
        content_type__app_label=Registry._meta.app_label,
        content_type__model=Registry._meta.model_name,
        object_pk=Cast(OuterRef(registry_id), CharField()),
    )
    return Subquery(
        grants.values("user_id")
        .annotate(joined=StringAgg("permission__codename", Value(",")))
        .values("joined")
    )


def remember_grants(user, registry: Registry, joined: str | None) -> None:
    """What `grants_column` read, kept in guardian's per-request cache as if the checker
    had read it: the role checks that follow ask no query."""
    if _signed_in(user) and not user.is_superuser:
        checker = _checker(user)
        key = checker.get_local_cache_key(registry)
        checker._obj_perms_cache[key] = joined.split(",") if joined else []


def forget_cached_roles(user) -> None:
    if hasattr(user, "_role_checker"):
        del user._role_checker


def prefetch_roles(user, registries) -> None:
    """Load the user's roles in `registries` at once (list pages): guardian's prefetch."""
    if _signed_in(user) and not user.is_superuser and registries:
        _checker(user).prefetch_perms(registries)


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def role_of(user, registry: Registry) -> str | None:
    """The user's effective role in the registry, or None if they cannot see it.

    With an API key, the role within the key's scope (read-only: Viewer at most)."""
    return key_scopes.cap_role(user, registry, _owner_role(user, registry))


def _owner_role(user, registry: Registry) -> str | None:
    """The role of the user themself, whatever key the request came with."""
    if not _signed_in(user):
        return None
    if user.is_superuser:
        return ADMIN
    role = _granted_role(user, registry)
    if registry.visibility == Registry.Visibility.ORGANIZATION and rank(role) < rank(VIEWER):
        role = VIEWER
    return role


def role_label(role: str | None) -> str:
    return ROLE_LABELS.get(role, "none") if role else "none"


def can_see(user, registry: Registry) -> bool:
    organization = registry.visibility == Registry.Visibility.ORGANIZATION
    if organization and user is not None and user.is_active:
        # Every signed-in user is at least Viewer here (as role_of says): no role lookup,
        # which keeps the API's hot resolve path free of permission queries.
        return user.is_authenticated and key_scopes.allows_registry(user, registry)
    return role_of(user, registry) is not None


def _refuse_unseen(user, registry: Registry | None, name: str):
    """NotFound for a registry the request may not see; naming the API key's scope when
    only the key (not the user's roles) hides it."""
    if registry is not None and _owner_role(user, registry) is not None:
        key_scopes.check(user, registry=registry, action="Reading", write=False)
    return NotFound(REGISTRY_NOT_FOUND.format(name=name))


def visible_registries(user) -> QuerySet[Registry]:
    """Organization registries plus the restricted ones the user holds a role in."""
    if not _signed_in(user):
        return Registry.objects.none()
    if user.is_superuser:
        return Registry.objects.all()
    granted = get_objects_for_user(
        user,
        list(_ROLE_OF_PERM),
        klass=Registry,
        any_perm=True,
        with_superuser=False,
        accept_global_perms=False,
    )
    visible = Registry.objects.filter(
        Q(visibility=Registry.Visibility.ORGANIZATION) | Q(pk__in=granted.values("pk"))
    )
    return _within_key_scope(user, visible)


def administered_registries(user) -> QuerySet[Registry]:
    """Registries in which the user is Admin (org admins: all), within an API key's scope."""
    if not _signed_in(user):
        return Registry.objects.none()
    if user.is_superuser:
        return _within_key_scope(user, Registry.objects.all())
    granted = get_objects_for_user(
        user,
        _PERM[ADMIN],
        klass=Registry,
        with_superuser=False,
        accept_global_perms=False,
    )
    return _within_key_scope(user, Registry.objects.filter(pk__in=granted.values("pk")))


def _within_key_scope(user, registries: QuerySet[Registry]) -> QuerySet[Registry]:
    scope = key_scopes.scope_of(user)
    if scope is None or scope.registry_ids is None:
        return registries
    return registries.filter(pk__in=scope.registry_ids)


def get_registry_for_user(user, name: str) -> Registry:
    """The registry named `name` (case-insensitive) if the user may see it, else NotFound."""
    registry = Registry.objects.filter(name__lower=lower(name)).first()
    if registry is None or not can_see(user, registry):
        raise _refuse_unseen(user, registry, name)
    return registry


def _require(user, registry: Registry, needed: str, action: str) -> None:
    role = _owner_role(user, registry)
    if role is None:
        raise NotFound(REGISTRY_NOT_FOUND.format(name=registry.name))
    # The API key's scope first, so its refusal names the scope rather than a role.
    key_scopes.check(user, registry=registry, action=action, write=rank(needed) > rank(VIEWER))
    if rank(role) < rank(needed):
        template = NEED_ADMIN if needed == ADMIN else NEED_ROLE
        raise Forbidden(
            template.format(
                action=action,
                registry=registry.name,
                needed=ROLE_LABELS[needed],
                role=ROLE_LABELS[role],
            )
        )


def check_can_view(user, registry: Registry) -> None:
    if not can_see(user, registry):
        raise _refuse_unseen(user, registry, registry.name)


def check_can_download(user, registry: Registry) -> None:
    _require(user, registry, VIEWER, "Downloading files or using an artifact")


def check_can_write(user, registry: Registry, action: str) -> None:
    """Member-level changes: collections, links, descriptions, tags, custom aliases."""
    _require(user, registry, MEMBER, action)


def check_can_admin(user, registry: Registry, action: str) -> None:
    _require(user, registry, ADMIN, action)


def is_admin(user, registry: Registry) -> bool:
    return role_of(user, registry) == ADMIN


def role_allows_write(role: str | None) -> bool:
    return rank(role) >= rank(MEMBER)


def role_allows_download(role: str | None) -> bool:
    return rank(role) >= rank(VIEWER)


def can_write(user, registry: Registry) -> bool:
    return role_allows_write(role_of(user, registry))


def can_download(user, registry: Registry) -> bool:
    return role_allows_download(role_of(user, registry))


def check_can_create_registry(user) -> None:
    key_scopes.check_can_create_registry(user)
    if not (user.is_authenticated and user.is_superuser):
        raise Forbidden(NEED_ORG_ADMIN)


def check_alias_change(user, registry: Registry, alias: str, verb: str, protected: bool) -> None:
    """Custom aliases need Member; protected ones Admin. `verb`: add, move or remove."""
    check_can_write(user, registry, f"Changing alias '{alias}'")
    if protected:
        check_protected_alias(user, registry, alias, verb)


def check_protected_alias(user, registry: Registry, alias: str, verb: str) -> None:
    """Adding, moving or removing a protected alias needs an admin (Member already checked)."""
    if not is_admin(user, registry):
        hint = REQUEST_INSTEAD.format(alias=alias) if verb in ("add", "move") else None
        raise Forbidden(
            PROTECTED_ALIAS.format(alias=alias, registry=registry.name, verb=verb), hint=hint
        )


def check_can_unlink(user, version: LinkedVersion, protected_alias: str | None) -> None:
    registry = version.collection.registry
    check_can_write(user, registry, "Unlinking a version")
    if protected_alias and not is_admin(user, registry):
        raise Forbidden(
            UNLINK_PROTECTED.format(
                index=version.index,
                collection=version.collection.name,
                alias=protected_alias,
                registry=registry.name,
            )
        )


def check_can_delete_collection(user, collection: Collection, protected_alias: str | None) -> None:
    registry = collection.registry
    check_can_write(user, registry, "Deleting a collection")
    if protected_alias and not is_admin(user, registry):
        raise Forbidden(
            DELETE_PROTECTED.format(
                collection=collection.name, alias=protected_alias, registry=registry.name
            )
        )


def check_team_member(team: Team, user) -> None:
    """Logging to, publishing from and recording runs of an entity need its membership."""
    if user.is_superuser or team.pk in getattr(user, "_member_of", ()):
        return
    if not TeamMembership.objects.filter(team=team, user=user).exists():
        raise Forbidden(NOT_TEAM_MEMBER.format(name=team.name))


def remember_team_member(user, team_id: int) -> None:
    """A read that found the user among a team's members (a source version read for a
    link) keeps it for the request: `check_team_member` then asks no query."""
    user._member_of = {*getattr(user, "_member_of", ()), team_id}


# Granting roles (called only by registry.services.registries.set_role).


def grant_role(registry: Registry, user: AbstractBaseUser, role: str | None) -> None:
    for perm in _checker(user).get_user_perms(registry):
        if perm in _ROLE_OF_PERM:
            remove_perm(perm, user, registry)
    if role is not None:
        assign_perm(_PERM[role], user, registry)
    forget_cached_roles(user)


def granted_roles(registry: Registry) -> list[tuple[AbstractBaseUser, str]]:
    """Users with an explicitly granted role, highest role each, sorted by username."""
    users = get_users_with_perms(
        registry, attach_perms=True, with_superusers=False, with_group_users=False
    )
    result = []
    for user, perms in users.items():
        roles = [_ROLE_OF_PERM[p] for p in perms if p in _ROLE_OF_PERM]
        if roles:
            result.append((user, max(roles, key=rank)))
    return sorted(result, key=lambda pair: pair[0].get_username())
