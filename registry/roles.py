"""The registry roles, lowest first, and how they compare (no rules here: see permissions)."""

from __future__ import annotations

RESTRICTED_VIEWER, VIEWER, MEMBER, ADMIN = "restricted_viewer", "viewer", "member", "admin"
ROLES = [RESTRICTED_VIEWER, VIEWER, MEMBER, ADMIN]  # lowest first
ROLE_LABELS = {
    RESTRICTED_VIEWER: "Restricted viewer",
    VIEWER: "Viewer",
    MEMBER: "Member",
    ADMIN: "Admin",
}


def rank(role: str | None) -> int:
    return ROLES.index(role) if role else -1
