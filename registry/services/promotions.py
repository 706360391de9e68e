"""Promotion requests: request, approve (which moves the alias), reject, withdraw.

A member who may not move a protected alias asks for it; registry admins approve. The
approval that completes a request moves the alias through the alias service, in the same
transaction that closes the request, under the collection lock: two admins approving at
once move the alias once, and an alias that moved since the request is never moved by it.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from registry import permissions
from registry.errors import Conflict, Forbidden, Invalid, NotFound
from registry.models import (
    AliasEvent,
    EventType,
    PromotionApproval,
    PromotionRequest,
    PromotionStatus,
    Registry,
)
from registry.names import Ref
from registry.selectors import gates
from registry.selectors.versions import get_version_state
from registry.services import aliases, automations
from registry.services.events import RegistryEvent
from registry.services.locks import lock_collection, lock_collection_named

NOT_PROTECTED = (
    "'{alias}' is not a protected alias in registry '{registry}': no request is needed, "
    "members can add or move it on the version directly."
)
ALREADY_HELD = "v{index} of '{collection}' already holds '{alias}'; there is nothing to request."
NO_REASON = "Give a reason: say why v{index} should become '{alias}' (at most 2,000 characters)."
ALREADY_PENDING = (
    "Request #{id} already asks for '{alias}' on v{index} of '{collection}'; approve, reject or "
    "withdraw it first."
)
NOT_PENDING = "Request #{id} is already {status}; only pending requests can be {verb}."
OWN_REQUEST = (
    "You requested this promotion, so your approval does not count; another registry admin "
    "must approve it."
)
ALREADY_APPROVED = (
    "You already approved request #{id}; it needs {needed} approvals from distinct admins "
    "and has {count}."
)
STALE = (
    "'{alias}' moved since request #{id} was made: it was on {then} and is now on {now}"
    "{by}. Approving would not move it from what the requester saw; the requester can "
    "re-confirm the request against {now}, or withdraw it and request again."
)
NOT_STALE = "Request #{id} is current: '{alias}' is still on {now}; there is nothing to re-confirm."
ONLY_REQUESTER = (
    "Only {requester}, who made request #{id}, can withdraw it; registry admins reject it instead."
)
NEED_COMMENT = "Say why you reject request #{id}: the requester sees your comment."
TOO_LONG = "A {what} is at most 2,000 characters."
REQUEST_GONE = (
    "Request #{id} no longer exists: its version was unlinked from '{collection}' meanwhile."
)
LIMIT = 2000


def promotion_url(promotion: PromotionRequest) -> str:
    return reverse("promotion", args=[promotion.collection.registry.name, promotion.pk])


def _event(type_, promotion: PromotionRequest, actor) -> RegistryEvent:
    return RegistryEvent(
        type=type_,
        collection=promotion.collection,
        version=promotion.version,
        actor=actor,
        alias=promotion.alias,
        previous_index=promotion.from_index,
        extra={
            "promotion_url": promotion_url(promotion),
            "promotion_reason": promotion.reason,
            "promotion_comment": promotion.decision_comment,
        },
    )


def _text(value: str, what: str) -> str:
    value = (value or "").strip()
    if len(value) > LIMIT:
        raise Invalid(TOO_LONG.format(what=what))
    return value


@transaction.atomic
def request_promotion(
    *,
    registry: Registry | str,
    collection,
    ref: str | int | Ref,
    alias: str,
    reason: str,
    actor,
) -> PromotionRequest:
    """Ask for protected `alias` to move onto the version `ref` names (Member role)."""
    if isinstance(collection, str):
        locked = lock_collection_named(actor, str(registry), collection)
    else:
        permissions.check_can_view(actor, collection.registry)
        locked = lock_collection(collection.pk)
    permissions.check_can_write(actor, locked.registry, "Requesting a promotion")
    state = get_version_state(locked, ref)
    version = state.version
    name = aliases.validate_alias_name(alias)
    if name.lower() not in state.protected:
        raise Invalid(NOT_PROTECTED.format(alias=name, registry=locked.registry.name))
    reason = _text(reason, "reason")
    if not reason:
        raise Invalid(NO_REASON.format(index=version.index, alias=name))
    holder = aliases.holders_of(locked, [name]).get(name.lower())
    if holder is not None and holder.version_id == version.pk:
        raise Invalid(ALREADY_HELD.format(index=version.index, collection=locked.name, alias=name))
    policy = gates.policy_for(locked.registry, name)
    pending = PromotionRequest.objects.filter(
        version=version, alias__iexact=name, status=PromotionStatus.PENDING
    ).first()
    if pending is not None:
        raise Conflict(
            ALREADY_PENDING.format(
                id=pending.pk, alias=name, index=version.index, collection=locked.name
            )
        )
    promotion = PromotionRequest.objects.create(
        collection=locked,
        alias=policy.name if policy is not None else name,
        version=version,
        from_version=holder.version if holder is not None else None,
        from_index=holder.version.index if holder is not None else None,
        requested_by=actor,
        reason=reason,
    )
    automations.on_events([_event(EventType.PROMOTION_REQUESTED, promotion, actor)])
    return promotion


def _locked_pending(promotion: PromotionRequest, verb: str) -> PromotionRequest:
    """The collection locked, then the request read again under the lock (still pending)."""
    collection = lock_collection(promotion.collection_id)
    current = (
        PromotionRequest.objects.select_related("version__source__artifact__project__team")
        .select_related("requested_by", "from_version")
        .filter(pk=promotion.pk)
        .first()
    )
    if current is None:  # its version was unlinked meanwhile, which deletes its requests
        raise NotFound(REQUEST_GONE.format(id=promotion.pk, collection=collection.name))
    current.collection = collection
    current.version.collection = collection
    if current.status != PromotionStatus.PENDING:
        raise Conflict(NOT_PENDING.format(id=current.pk, status=current.status, verb=verb))
    return current


def _stale_refusal(promotion: PromotionRequest, holder) -> Conflict:
    def on(index):
        return f"v{index}" if index is not None else "no version"

    now = holder.version.index if holder is not None else None
    moved = (
        AliasEvent.objects.filter(collection=promotion.collection, alias__iexact=promotion.alias)
        .select_related("actor")
        .order_by("-id")
        .first()
    )
    by = ""
    if moved is not None and moved.actor is not None:
        by = f" (changed by {moved.actor.get_username()} at {moved.created_at:%Y-%m-%d %H:%M} UTC)"
    return Conflict(
        STALE.format(
            alias=promotion.alias,
            id=promotion.pk,
            then=on(promotion.from_index),
            now=on(now),
            by=by,
        )
    )


@transaction.atomic
def approve(
    *, promotion: PromotionRequest, actor, comment: str = "", override_reason: str = ""
) -> PromotionRequest:
    """Record an admin's approval; the approval that reaches the policy's count moves the
    alias (gates checked then; an organization admin may override with a reason)."""
    registry = promotion.collection.registry
    permissions.check_can_admin(actor, registry, "Approving a promotion")
    comment = _text(comment, "comment")
    current = _locked_pending(promotion, "approved")
    if current.requested_by_id == actor.pk:
        raise Forbidden(OWN_REQUEST)
    holder = aliases.holders_of(current.collection, [current.alias]).get(current.alias.lower())
    now = holder.version.index if holder is not None else None
    if now != current.from_index:
        raise _stale_refusal(current, holder)
    policy = gates.policy_for(registry, current.alias)
    needed = policy.required_approvals if policy is not None else 1
    try:
        with transaction.atomic():
            PromotionApproval.objects.create(request=current, approver=actor, comment=comment)
    except IntegrityError:
        raise Conflict(
            ALREADY_APPROVED.format(id=current.pk, needed=needed, count=_count(current))
        ) from None
    if _count(current) < needed:
        return current
    state = get_version_state(current.collection, current.version.index)
    aliases.apply_aliases(
        collection=current.collection,
        version=state.version,
        names=[current.alias],
        actor=actor,
        protected=state.protected,
        promotion=current,
        override_reason=override_reason,
    )
    # The reason is recorded only if a gate was actually overridden (the history row has it).
    current.override_reason = (
        AliasEvent.objects.filter(promotion=current).values_list("override_reason", flat=True)
    ).first() or ""
    _close(current, PromotionStatus.APPROVED, actor, comment)
    automations.on_events([_event(EventType.PROMOTION_APPROVED, current, actor)])
    return current


def _count(promotion: PromotionRequest) -> int:
    return (
        PromotionApproval.objects.filter(request=promotion)
        .filter(~Q(approver_id=promotion.requested_by_id))
        .count()
    )


def _close(promotion: PromotionRequest, status, actor, comment: str) -> None:
    promotion.status = status
    promotion.decided_by = actor
    promotion.decided_at = timezone.now()
    promotion.decision_comment = comment
    promotion.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "decision_comment",
            "override_reason",
        ]
    )


@transaction.atomic
def reject(*, promotion: PromotionRequest, actor, comment: str) -> PromotionRequest:
    permissions.check_can_admin(actor, promotion.collection.registry, "Rejecting a promotion")
    comment = _text(comment, "comment")
    if not comment:
        raise Invalid(NEED_COMMENT.format(id=promotion.pk))
    current = _locked_pending(promotion, "rejected")
    _close(current, PromotionStatus.REJECTED, actor, comment)
    automations.on_events([_event(EventType.PROMOTION_REJECTED, current, actor)])
    return current


def _check_requester(promotion: PromotionRequest, actor, verb: str) -> None:
    permissions.check_can_view(actor, promotion.collection.registry)
    if promotion.requested_by_id != actor.pk:
        requester = promotion.requested_by
        raise Forbidden(
            ONLY_REQUESTER.format(
                requester=requester.get_username() if requester else "the requester",
                id=promotion.pk,
                verb=verb,
            )
        )


@transaction.atomic
def reconfirm(*, promotion: PromotionRequest, actor) -> PromotionRequest:
    """The requester confirms a stale request against where the alias is now. Approvals
    given before were for another move, so they are dropped."""
    _check_requester(promotion, actor, "re-confirm")
    current = _locked_pending(promotion, "re-confirmed")
    holder = aliases.holders_of(current.collection, [current.alias]).get(current.alias.lower())
    now = holder.version.index if holder is not None else None
    if now == current.from_index:
        shown = f"v{now}" if now is not None else "no version"
        raise Invalid(NOT_STALE.format(id=current.pk, alias=current.alias, now=shown))
    if now == current.version.index:
        raise Invalid(
            ALREADY_HELD.format(index=now, collection=current.collection.name, alias=current.alias)
        )
    current.from_version = holder.version if holder is not None else None
    current.from_index = now
    current.save(update_fields=["from_version", "from_index"])
    current.approvals.all().delete()
    return current


@transaction.atomic
def withdraw(*, promotion: PromotionRequest, actor) -> PromotionRequest:
    _check_requester(promotion, actor, "withdraw")
    current = _locked_pending(promotion, "withdrawn")
    _close(current, PromotionStatus.WITHDRAWN, actor, "")
    return current
