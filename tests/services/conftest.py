"""The role table of DESIGN.md ("Roles") as a fixture every service test can walk.

`case` is parametrized over every persona in the restricted registry (where each role
applies exactly and the stranger cannot see the registry), plus the two personas whose
role the organization registry raises to Viewer (the stranger and the restricted
viewer). `case.expect(needed, action)` is the context manager the service call must run
in: nothing for an allowed role, `NotFound` for who cannot see the registry, `Forbidden`
with the exact message for who can see it but not change it.
"""

from __future__ import annotations

import re
from contextlib import nullcontext
from dataclasses import dataclass

import pytest

from registry import permissions
from registry.errors import Forbidden, NotFound
from registry.models import Registry
from registry.services import automations

PERSONA_ROLES = {
    "stranger": None,
    "restricted_viewer": permissions.RESTRICTED_VIEWER,
    "viewer": permissions.VIEWER,
    "member": permissions.MEMBER,
    "admin": permissions.ADMIN,
    "org_admin": permissions.ADMIN,  # superusers are Admin in every registry
}
ROLE_CASES = [(persona, "restricted") for persona in PERSONA_ROLES] + [
    ("stranger", "organization"),
    ("restricted_viewer", "organization"),
]


def rank(role: str | None) -> int:
    return permissions.ROLES.index(role) if role else -1


def exactly(message: str) -> str:
    return "^" + re.escape(message) + "$"


@dataclass
class Case:
    persona: str
    actor: object
    registry: Registry

    @property
    def role(self) -> str | None:
        role = PERSONA_ROLES[self.persona]
        if self.registry.visibility == Registry.Visibility.ORGANIZATION and rank(role) < rank(
            "viewer"
        ):
            return permissions.VIEWER
        return role

    def allowed(self, needed: str) -> bool:
        return rank(self.role) >= rank(needed)

    def refusal(self, needed: str, action: str) -> str:
        template = permissions.NEED_ADMIN if needed == permissions.ADMIN else permissions.NEED_ROLE
        return template.format(
            action=action,
            registry=self.registry.name,
            needed=permissions.ROLE_LABELS[needed],
            role=permissions.ROLE_LABELS[self.role],
        )

    def expect(self, needed: str, action: str, *, protected: str | None = None):
        """What calling a service that needs `needed` does for this persona.

        `protected`: the refusal a Member gets instead (protected aliases and versions).
        """
        if self.role is None:
            not_found = permissions.REGISTRY_NOT_FOUND.format(name=self.registry.name)
            return pytest.raises(NotFound, match=exactly(not_found))
        if self.allowed(needed):
            return nullcontext()
        if protected is not None and self.role == permissions.MEMBER:
            return pytest.raises(Forbidden, match=exactly(protected))
        # Below Member, the first refusal is the member-level one: the action needs Member.
        shown = permissions.MEMBER if protected is not None else needed
        return pytest.raises(Forbidden, match=exactly(self.refusal(shown, action)))


@pytest.fixture(params=ROLE_CASES, ids=[f"{p}-in-{w}" for p, w in ROLE_CASES])
def case(request, db) -> Case:
    persona, where = request.param
    registry = request.getfixturevalue("restricted" if where == "restricted" else "registry")
    return Case(persona, request.getfixturevalue(persona), registry)


@pytest.fixture
def emitted(monkeypatch) -> list:
    """Every event the services hand to automations (in process; nothing leaves)."""
    calls = []
    original = automations.on_events

    def record(events):
        calls.extend(events)
        return original(events)

    monkeypatch.setattr(automations, "on_events", record)
    return calls
