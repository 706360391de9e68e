"""What an API key may do, beyond its owner's roles: the one place scopes are enforced.

Authentication (`key_auth`, and the API's resolve in `selectors.resolve`) attaches the
key's `KeyScope` to the user object it returns (a fresh object per request); session users
carry none and are limited by their roles only. Permission checks (`registry.permissions`) and the
services that write outside registries call `check`; `cap_role` and `allows_registry`
are the same rules for the read paths that return instead of raising.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from registry.errors import Forbidden, NotFound
from registry.models import Registry
from registry.roles import VIEWER, rank

READ_ONLY = "read-only"
READ_WRITE = "read-write"
KEY_READ_ONLY = (
    "{action} needs a read-write API key; this key ('{key}') is read-only. Create a "
    "read-write key on the API keys page (/account/api-keys/)."
)
KEY_OUTSIDE_REGISTRIES = (
    "Registry '{registry}' is outside this API key's scope: key '{key}' is limited to "
    "{allowed}. Use a key that includes it (API keys page: /account/api-keys/)."
)
KEY_CANNOT_CREATE_REGISTRY = (
    "Creating a registry needs a read-write API key for every registry; this key ('{key}') "
    "is {scope}."
)


@dataclass(frozen=True)
class KeyScope:
    key_name: str
    read_only: bool
    registry_ids: frozenset[int] | None  # None: every registry the owner can see
    expires_at: datetime | None

    @property
    def access(self) -> str:
        return READ_ONLY if self.read_only else READ_WRITE

    @classmethod
    def of(cls, *, name: str, read_only: bool, registry_ids, expires_at) -> KeyScope:
        """From a key's columns (`registry_ids` None: every registry)."""
        return cls(
            key_name=name,
            read_only=bool(read_only),
            registry_ids=None if registry_ids is None else frozenset(registry_ids),
            expires_at=expires_at,
        )

    def registry_names(self) -> list[str]:
        if self.registry_ids is None:
            return []
        return sorted(
            Registry.objects.filter(pk__in=self.registry_ids).values_list("name", flat=True),
            key=str.lower,
        )

    def describe(self) -> str:
        """e.g. "read-only, registries Model, Dataset" — as the API keys page shows it."""
        if self.registry_ids is None:
            return f"{self.access}, every registry"
        names = self.registry_names()
        return f"{self.access}, registr{'y' if len(names) == 1 else 'ies'} " + (
            ", ".join(names) or "(none left)"
        )


_ATTR = "_registry_key_scope"


def attach(user, scope: KeyScope) -> None:
    setattr(user, _ATTR, scope)


def scope_of(user) -> KeyScope | None:
    return getattr(user, _ATTR, None)


def allows_registry(user, registry) -> bool:
    scope = scope_of(user)
    return scope is None or scope.registry_ids is None or registry.pk in scope.registry_ids


def cap_role(user, registry, role: str | None) -> str | None:
    """The role the request may use: the owner's role, within the key's scope."""
    scope = scope_of(user)
    if scope is None or role is None:
        return role
    if not allows_registry(user, registry):
        return None
    if scope.read_only and rank(role) > rank(VIEWER):
        return VIEWER
    return role


def check(user, *, action: str, registry=None, write: bool) -> None:
    """Raise when the request's key does not allow `action`: the one scope check.

    `registry`: the registry acted in (None for writes outside registries: runs, blobs,
    artifacts). `write`: whether the action changes anything.
    """
    scope = scope_of(user)
    if scope is None:
        return
    if registry is not None and not allows_registry(user, registry):
        names = scope.registry_names()
        allowed = "registr" + ("y " if len(names) == 1 else "ies ") + ", ".join(names)
        raise NotFound(
            KEY_OUTSIDE_REGISTRIES.format(
                registry=registry.name, key=scope.key_name, allowed=allowed
            )
        )
    if write and scope.read_only:
        raise Forbidden(KEY_READ_ONLY.format(action=action, key=scope.key_name))


def check_can_create_registry(user) -> None:
    scope = scope_of(user)
    if scope is not None and (scope.read_only or scope.registry_ids is not None):
        raise Forbidden(
            KEY_CANNOT_CREATE_REGISTRY.format(key=scope.key_name, scope=scope.describe())
        )
