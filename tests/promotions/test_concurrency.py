"""Admins approving one request at the same moment, on PostgreSQL: the alias moves once."""

from __future__ import annotations

import pytest
from django.db import connection

from registry import permissions
from registry.errors import Conflict
from registry.models import AliasEvent, PromotionApproval, PromotionRequest, PromotionStatus
from registry.services import promotions
from tests.factories import make_user
from tests.promotions.conftest import ask, grant, setup_zoo
from tests.services.test_concurrency import run_in_threads

ADMINS = 6

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises all writers itself; row locks only matter on PostgreSQL",
    ),
    # No serialized_rollback: the autouse core-data fixture restores what a flush removes,
    # and restoring a serialized copy collides with rows a flush recreates (AnonymousUser).
    pytest.mark.django_db(transaction=True),
]


def test_admins_approving_at_once_move_the_alias_once(registry, org_admin, alice):
    grant(registry, alice, permissions.MEMBER, org_admin)
    v0, v1 = setup_zoo(registry, org_admin)
    request = ask(registry, v1, alice)
    admins = [make_user(f"approver{i}") for i in range(ADMINS)]
    for user in admins:
        grant(registry, user, permissions.ADMIN, org_admin)
        permissions.role_of(user, registry)  # roles loaded once; threads share the users
    outcomes = []

    def approve(user):
        def call():
            try:
                promotions.approve(promotion=request, actor=user, comment="go")
                outcomes.append("approved")
            except Conflict as refused:
                outcomes.append(refused.message)

        return call

    run_in_threads([[approve(user)] for user in admins])

    assert outcomes.count("approved") == 1
    refusal = promotions.NOT_PENDING.format(id=request.pk, status="approved", verb="approved")
    assert outcomes.count(refusal) == ADMINS - 1
    moves = AliasEvent.objects.filter(alias="production", action=AliasEvent.Action.MOVE)
    assert [(m.from_index, m.to_index, m.promotion_id) for m in moves] == [(0, 1, request.pk)]
    assert PromotionApproval.objects.filter(request=request).count() == 1
    assert PromotionRequest.objects.get(pk=request.pk).status == PromotionStatus.APPROVED
