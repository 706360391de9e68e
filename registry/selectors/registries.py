"""Registries a user may see, and what the user may do in one."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from registry import permissions
from registry.models import Registry
from registry.selectors.chips import Chip, ChipKind


def visible_registries(user) -> QuerySet[Registry]:
    return (
        permissions.visible_registries(user)
        .annotate(collection_count=Count("collections", distinct=True))
        .order_by("name")
    )


def registry_cards(user) -> list[tuple[Registry, str]]:
    """The home page's cards: each visible registry with the user's role label."""
    registries = list(visible_registries(user))
    permissions.prefetch_roles(user, registries)
    return [(r, permissions.role_label(permissions.role_of(user, r))) for r in registries]


@dataclass(frozen=True)
class Access:
    """What the signed-in user may do in one registry (drives which controls are shown)."""

    role: str | None
    role_label: str
    can_write: bool
    can_download: bool
    is_admin: bool

    @classmethod
    def of(cls, user, registry: Registry) -> Access:
        role = permissions.role_of(user, registry)
        return cls(
            role=role,
            role_label=permissions.role_label(role),
            can_write=permissions.role_allows_write(role),
            can_download=permissions.role_allows_download(role),
            is_admin=role == permissions.ADMIN,
        )

    def can_change(self, chip: Chip) -> bool:
        if chip.kind == ChipKind.DEFAULT:
            return False
        return self.is_admin if chip.kind == ChipKind.PROTECTED else self.can_write
