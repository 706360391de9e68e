"""A registry with a protected `production` on v0 of `zoo`, a candidate v1, and `alice`,
a member who asks for promotions (so every persona, the member included, can be tried as
an approver of someone else's request)."""

from __future__ import annotations

import pytest

from registry import permissions
from registry.services import promotions, registries
from tests.automations.conftest import (  # noqa: F401  (shared fixtures)
    endpoint,
    make_automation,
    receiver,
    slack_receiver,
)
from tests.factories import link_new, make_user
from tests.sdk.conftest import sdk_as  # noqa: F401
from tests.services.conftest import case, emitted  # noqa: F401


def setup_zoo(registry, org_admin):
    if not registry.protected_aliases.filter(name="production").exists():
        registries.create_protected_alias(registry=registry, name="production", actor=org_admin)
    v0 = link_new(org_admin, registry, "zoo", aliases=["production"])
    v1 = link_new(org_admin, registry, "zoo")
    return v0, v1


@pytest.fixture
def alice(db, org_admin):
    return make_user("alice")


def grant(registry, user, role, org_admin):
    registries.set_role(registry=registry, user=user, role=role, actor=org_admin)


@pytest.fixture
def zoo(registry, org_admin, alice):
    grant(registry, alice, permissions.MEMBER, org_admin)
    return setup_zoo(registry, org_admin)


def ask(registry, version, actor, alias="production", reason="v1 scores 0.93 on the holdout"):
    return promotions.request_promotion(
        registry=registry,
        collection=version.collection,
        ref=version.index,
        alias=alias,
        reason=reason,
        actor=actor,
    )


@pytest.fixture
def pending(registry, zoo, alice):
    return ask(registry, zoo[1], alice)
