"""registry.services.promotions and the gates every protected-alias move passes."""

from __future__ import annotations

import pytest

from registry import permissions
from registry.errors import Conflict, Forbidden, Invalid, NotFound
from registry.models import (
    Alias,
    AliasEvent,
    EventType,
    PromotionRequest,
    PromotionStatus,
)
from registry.selectors.versions import get_version_state
from registry.services import gates, promotions, registries
from registry.services.aliases import add_alias, add_aliases_at
from registry.services.artifacts import create_run, finish_run
from tests.factories import make_project, make_source
from tests.promotions.conftest import ask, grant, setup_zoo
from tests.services.conftest import exactly

MEMBER, ADMIN = permissions.MEMBER, permissions.ADMIN


def holder_index(version, name="production"):
    alias = Alias.objects.filter(collection=version.collection, name__iexact=name).first()
    return alias.version.index if alias else None


# The role table: who may request, approve, reject, withdraw (every persona).


def test_it_lets_members_and_up_request_a_promotion(case, org_admin):
    v0, v1 = setup_zoo(case.registry, org_admin)
    with case.expect(MEMBER, "Requesting a promotion"):
        ask(case.registry, v1, case.actor)
    assert PromotionRequest.objects.exists() == case.allowed(MEMBER)


def test_it_lets_only_admins_approve(case, org_admin, alice):
    grant(case.registry, alice, MEMBER, org_admin)
    v0, v1 = setup_zoo(case.registry, org_admin)
    request = ask(case.registry, v1, alice)
    with case.expect(ADMIN, "Approving a promotion"):
        promotions.approve(promotion=request, actor=case.actor, comment="ok")
    assert (holder_index(v1) == 1) == case.allowed(ADMIN)


def test_it_lets_only_admins_reject(case, org_admin, alice):
    grant(case.registry, alice, MEMBER, org_admin)
    v0, v1 = setup_zoo(case.registry, org_admin)
    request = ask(case.registry, v1, alice)
    with case.expect(ADMIN, "Rejecting a promotion"):
        promotions.reject(promotion=request, actor=case.actor, comment="not yet")
    request.refresh_from_db()
    assert (request.status == PromotionStatus.REJECTED) == case.allowed(ADMIN)


def test_it_lets_only_the_requester_withdraw(case, org_admin, alice):
    grant(case.registry, alice, MEMBER, org_admin)
    v0, v1 = setup_zoo(case.registry, org_admin)
    request = ask(case.registry, v1, alice)
    if case.role is None:
        expected = pytest.raises(NotFound)
    else:
        message = promotions.ONLY_REQUESTER.format(
            requester="alice", id=request.pk, verb="withdraw"
        )
        expected = pytest.raises(Forbidden, match=exactly(message))
    with expected:
        promotions.withdraw(promotion=request, actor=case.actor)
    promotions.withdraw(promotion=request, actor=alice)
    request.refresh_from_db()
    assert request.status == PromotionStatus.WITHDRAWN


# Approval moves the alias, through the alias service, once.


def test_approval_moves_the_alias_and_links_the_request_from_history(
    emitted, registry, zoo, pending, admin
):
    v0, v1 = zoo
    before = get_version_state(v1.collection, 1).etag
    approved = promotions.approve(promotion=pending, actor=admin, comment="numbers hold up")
    assert approved.status == PromotionStatus.APPROVED
    assert (approved.decided_by, approved.decision_comment) == (admin, "numbers hold up")
    assert holder_index(v1) == 1
    event = AliasEvent.objects.get(action=AliasEvent.Action.MOVE, alias="production")
    assert (event.from_index, event.to_index, event.promotion, event.actor) == (
        0,
        1,
        approved,
        admin,
    )
    assert get_version_state(v1.collection, 1).etag != before
    types = [e.type for e in emitted if e.type != EventType.LINK_ARTIFACT]
    assert types[-3:] == [
        EventType.PROMOTION_REQUESTED,
        EventType.ADD_ARTIFACT_ALIAS,
        EventType.PROMOTION_APPROVED,
    ]
    assert emitted[-1].extra["promotion_url"] == f"/registries/Model/promotions/{approved.pk}/"


def test_the_requester_never_approves_their_own_request(registry, zoo, admin, org_admin):
    request = ask(registry, zoo[1], admin)
    with pytest.raises(Forbidden, match=exactly(promotions.OWN_REQUEST)):
        promotions.approve(promotion=request, actor=admin)
    promotions.approve(promotion=request, actor=org_admin)
    assert holder_index(zoo[1]) == 1


def test_it_needs_the_policy_s_number_of_distinct_admins(registry, zoo, pending, admin, org_admin):
    gates.set_policy(
        registry=registry,
        name="production",
        required_approvals=2,
        conditions={},
        require_finished_run=False,
        actor=org_admin,
    )
    first = promotions.approve(promotion=pending, actor=admin, comment="lgtm")
    assert first.status == PromotionStatus.PENDING and holder_index(zoo[1]) == 0
    message = promotions.ALREADY_APPROVED.format(id=pending.pk, needed=2, count=1)
    with pytest.raises(Conflict, match=exactly(message)):
        promotions.approve(promotion=pending, actor=admin)
    second = promotions.approve(promotion=pending, actor=org_admin)
    assert second.status == PromotionStatus.APPROVED and holder_index(zoo[1]) == 1
    assert second.approvals.count() == 2


def test_a_closed_request_cannot_be_decided_again(registry, zoo, pending, admin, org_admin):
    promotions.approve(promotion=pending, actor=admin)
    message = promotions.NOT_PENDING.format(id=pending.pk, status="approved", verb="rejected")
    with pytest.raises(Conflict, match=exactly(message)):
        promotions.reject(promotion=pending, actor=org_admin, comment="too late")


def test_a_stale_approval_is_refused_naming_what_changed(registry, zoo, pending, admin, org_admin):
    v2 = add_new_version(registry, org_admin)
    add_alias(version=v2, name="production", actor=org_admin)  # moved under the request
    with pytest.raises(Conflict) as refused:
        promotions.approve(promotion=pending, actor=admin)
    message = refused.value.message
    assert "'production' moved since request" in message
    assert "it was on v0 and is now on v2" in message and "changed by root" in message
    assert holder_index(v2) == 2
    pending.refresh_from_db()
    assert pending.status == PromotionStatus.PENDING and not pending.approvals.exists()


def test_the_requester_reconfirms_a_stale_request_and_it_can_be_approved(
    registry, zoo, pending, alice, admin, org_admin
):
    gated_twice = dict(required_approvals=2)
    gated(registry, org_admin, **gated_twice)
    promotions.approve(promotion=pending, actor=admin)  # one of two
    v2 = add_new_version(registry, org_admin)
    add_aliases_at(
        registry="Model",
        collection="zoo",
        ref=v2.index,
        names=["production"],
        actor=org_admin,
        override_reason="hotfix",
    )
    with pytest.raises(
        Forbidden,
        match=exactly(
            promotions.ONLY_REQUESTER.format(requester="alice", id=pending.pk, verb="re-confirm")
        ),
    ):
        promotions.reconfirm(promotion=pending, actor=admin)
    confirmed = promotions.reconfirm(promotion=pending, actor=alice)
    assert (confirmed.from_index, confirmed.approvals.count()) == (2, 0)
    promotions.approve(promotion=confirmed, actor=admin)
    promotions.approve(promotion=confirmed, actor=org_admin)
    assert holder_index(v2) == 1
    message = promotions.NOT_PENDING.format(id=pending.pk, status="approved", verb="re-confirmed")
    with pytest.raises(Conflict, match=exactly(message)):
        promotions.reconfirm(promotion=pending, actor=alice)


def test_a_current_request_has_nothing_to_reconfirm(registry, zoo, pending, alice):
    message = promotions.NOT_STALE.format(id=pending.pk, alias="production", now="v0")
    with pytest.raises(Invalid, match=exactly(message)):
        promotions.reconfirm(promotion=pending, actor=alice)


def add_new_version(registry, org_admin):
    from tests.factories import link_new

    return link_new(org_admin, registry, "zoo")


def test_a_second_request_for_the_same_move_is_refused(registry, zoo, pending, alice):
    message = promotions.ALREADY_PENDING.format(
        id=pending.pk, alias="production", index=1, collection="zoo"
    )
    with pytest.raises(Conflict, match=exactly(message)):
        ask(registry, zoo[1], alice)


def test_requests_need_a_reason_and_a_protected_alias(registry, zoo, alice):
    with pytest.raises(
        Invalid, match=exactly(promotions.NO_REASON.format(index=1, alias="production"))
    ):
        ask(registry, zoo[1], alice, reason="  ")
    message = promotions.NOT_PROTECTED.format(alias="staging", registry="Model")
    with pytest.raises(Invalid, match=exactly(message)):
        ask(registry, zoo[1], alice, alias="staging")
    message = promotions.ALREADY_HELD.format(index=0, collection="zoo", alias="production")
    with pytest.raises(Invalid, match=exactly(message)):
        ask(registry, zoo[0], alice)


def test_a_request_for_an_alias_no_longer_protected_is_an_ordinary_move(
    registry, zoo, pending, admin, org_admin
):
    registries.delete_protected_alias(registry=registry, name="production", actor=org_admin)
    promotions.approve(promotion=pending, actor=admin)
    assert holder_index(zoo[1]) == 1


def test_rejecting_needs_a_comment_and_fires_the_event(registry, zoo, pending, admin, emitted):
    with pytest.raises(Invalid, match=exactly(promotions.NEED_COMMENT.format(id=pending.pk))):
        promotions.reject(promotion=pending, actor=admin, comment="")
    rejected = promotions.reject(promotion=pending, actor=admin, comment="eval set leaked")
    assert (rejected.status, rejected.decision_comment) == ("rejected", "eval set leaked")
    assert emitted[-1].type == EventType.PROMOTION_REJECTED
    assert holder_index(zoo[0]) == 0


# Gates hold for every move of the alias, admins' direct moves included.


def gated(registry, org_admin, **policy):
    values = {"required_approvals": 1, "conditions": {}, "require_finished_run": False}
    gates.set_policy(registry=registry, name="production", actor=org_admin, **{**values, **policy})


def version_from_run(registry, org_admin, *, finished: bool):
    project = make_project(org_admin)
    run = create_run(entity="team", project="proj", actor=org_admin)
    if finished:
        finish_run(run=run, actor=org_admin)
    from registry.services import artifacts
    from registry.services.linking import link_version

    source = make_source(org_admin, name="zoo-model", project=project)
    source.created_run = run
    source.save(update_fields=["created_run"])
    linked, _ = link_version(
        registry=registry, collection_name="zoo", source=source, aliases=(), actor=org_admin
    )
    assert artifacts  # the run was created through the service above
    return linked


def test_an_admin_s_direct_move_must_pass_the_run_gate(registry, zoo, admin, org_admin):
    gated(registry, org_admin, require_finished_run=True)
    running = version_from_run(registry, org_admin, finished=False)
    with pytest.raises(Forbidden) as refused:
        add_alias(version=running, name="production", actor=admin)
    assert refused.value.message == gates.GATES_FAIL.format(
        alias="production",
        index=running.index,
        collection="zoo",
        failing="Source run finished (actual: run is running)",
    )
    finished = version_from_run(registry, org_admin, finished=True)
    add_alias(version=finished, name="production", actor=admin)
    assert holder_index(finished) == finished.index


def test_a_version_without_a_run_fails_the_run_gate(registry, zoo, pending, admin, org_admin):
    gated(registry, org_admin, require_finished_run=True)
    with pytest.raises(Forbidden, match="no run recorded"):
        promotions.approve(promotion=pending, actor=admin)
    pending.refresh_from_db()
    assert pending.status == PromotionStatus.PENDING and not pending.approvals.exists()


def test_only_an_org_admin_overrides_a_failing_gate_and_the_reason_is_kept(
    registry, zoo, pending, admin, org_admin
):
    gated(registry, org_admin, require_finished_run=True)
    with pytest.raises(Forbidden, match=exactly(gates.OVERRIDE_NEEDS_ORG_ADMIN)):
        promotions.approve(promotion=pending, actor=admin, override_reason="hotfix")
    approved = promotions.approve(
        promotion=pending, actor=org_admin, override_reason="hotfix for the outage"
    )
    assert approved.override_reason == "hotfix for the outage"
    event = AliasEvent.objects.get(promotion=approved)
    assert event.override_reason == "hotfix for the outage"


def test_more_than_one_approval_means_admins_cannot_move_it_directly(
    registry, zoo, admin, org_admin
):
    gated(registry, org_admin, required_approvals=2)
    with pytest.raises(Forbidden, match="Approved by 2 admins other than the requester"):
        add_aliases_at(
            registry="Model", collection="zoo", ref="v1", names=["production"], actor=admin
        )
    add_aliases_at(
        registry="Model",
        collection="zoo",
        ref="v1",
        names=["production"],
        actor=org_admin,
        override_reason="rollback during incident",
    )
    event = AliasEvent.objects.filter(alias="production").first()
    assert (event.to_index, event.override_reason) == (1, "rollback during incident")


def test_gates_cost_nothing_for_custom_aliases(
    registry, zoo, member, org_admin, django_assert_max_num_queries
):
    gated(registry, org_admin, require_finished_run=True)
    add_alias(version=zoo[1], name="staging", actor=member)  # warm the role cache
    with django_assert_max_num_queries(20) as captured:
        add_alias(version=zoo[0], name="staging", actor=member)
    assert not any(
        "protectedalias" in q["sql"].lower() and "required_approvals" in q["sql"].lower()
        for q in captured.captured_queries
    )


def test_policy_changes_need_an_admin(case, org_admin):
    setup_zoo(case.registry, org_admin)
    with case.expect(ADMIN, "Changing promotion gates"):
        gated(case.registry, case.actor, require_finished_run=True)


def test_required_approvals_are_checked(registry, zoo, org_admin):
    message = gates.BAD_APPROVALS.format(most=20, value="0")
    with pytest.raises(Invalid, match=exactly(message)):
        gated(registry, org_admin, required_approvals="0")


def test_a_request_whose_version_was_unlinked_is_gone(registry, zoo, pending, admin, org_admin):
    from registry.services.linking import unlink_version

    unlink_version(version=zoo[1], actor=org_admin)
    message = promotions.REQUEST_GONE.format(id=pending.pk, collection="zoo")
    with pytest.raises(NotFound, match=exactly(message)):
        promotions.approve(promotion=pending, actor=admin)
