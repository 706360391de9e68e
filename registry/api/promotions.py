"""Promotion requests: ask for a protected alias, list, approve, reject, withdraw."""

from __future__ import annotations

from ninja import Query, Router, Status

from registry import permissions
from registry.api.schemas import (
    ERRORS,
    CollectionName,
    DecisionIn,
    PromotionIn,
    PromotionOut,
    RegistryName,
    VersionRef,
)
from registry.selectors import promotions as found
from registry.services import promotions

router = Router(tags=["promotions"])
ONE = "/{registry}/promotions/{promotion_id}"


def _user(user) -> str | None:
    return user.get_username() if user is not None else None


def promotion_payload(promotion, *, detail: found.PromotionDetail | None = None) -> dict:
    """A request as the API shows it; `detail` adds its approvals and gate checklist."""
    return {
        "id": promotion.pk,
        "registry": promotion.collection.registry.name,
        "collection": promotion.collection.name,
        "alias": promotion.alias,
        "status": promotion.status,
        "version": f"v{promotion.version.index}",
        "from_version": f"v{promotion.from_index}" if promotion.from_index is not None else None,
        "requested_by": _user(promotion.requested_by),
        "reason": promotion.reason,
        "created_at": promotion.created_at,
        "decided_by": _user(promotion.decided_by),
        "decided_at": promotion.decided_at,
        "comment": promotion.decision_comment,
        "override_reason": promotion.override_reason,
        "approvals": [
            {"approver": _user(a.approver), "comment": a.comment, "created_at": a.created_at}
            for a in (detail.approvals if detail else [])
        ],
        "gates": [
            {"label": c.label, "passed": c.passed, "actual": c.actual, "outcome": c.outcome}
            for c in (detail.checks if detail else [])
        ],
        "url": promotions.promotion_url(promotion),
    }


def _full(promotion) -> dict:
    return promotion_payload(promotion, detail=found.promotion_detail(promotion))


@router.post(
    "/{registry}/collections/{collection}/versions/{ref}/promotions",
    response={201: PromotionOut, **ERRORS},
)
def request_promotion(
    request,
    registry: RegistryName,
    collection: CollectionName,
    ref: VersionRef,
    payload: PromotionIn,
):
    """Ask registry admins to move a protected alias onto this version (Member role)."""
    reg = permissions.get_registry_for_user(request.auth, registry)
    promotion = promotions.request_promotion(
        registry=reg,
        collection=collection,
        ref=ref,
        alias=payload.alias,
        reason=payload.reason,
        actor=request.auth,
    )
    return Status(201, _full(found.get_promotion(request.auth, reg, promotion.pk)))


@router.get("/{registry}/promotions", response={200: list[PromotionOut], **ERRORS})
def list_promotions(request, registry: RegistryName, status: str | None = Query(None)):
    """The registry's requests, pending first; `status` narrows them."""
    reg = permissions.get_registry_for_user(request.auth, registry)
    return [promotion_payload(p) for p in found.promotions_of(reg, status)]


@router.get(ONE, response={200: PromotionOut, **ERRORS})
def get_promotion(request, registry: RegistryName, promotion_id: int):
    return _full(found.get_promotion(request.auth, registry, promotion_id))


@router.post(ONE + "/approve", response={200: PromotionOut, **ERRORS})
def approve(request, registry: RegistryName, promotion_id: int, payload: DecisionIn):
    """Approve (admins other than the requester); the approval that completes the
    request moves the alias. Refused as stale if the alias moved since the request."""
    promotion = found.get_promotion(request.auth, registry, promotion_id)
    promotions.approve(
        promotion=promotion,
        actor=request.auth,
        comment=payload.comment,
        override_reason=payload.override_reason,
    )
    return _full(found.get_promotion(request.auth, registry, promotion_id))


@router.post(ONE + "/reject", response={200: PromotionOut, **ERRORS})
def reject(request, registry: RegistryName, promotion_id: int, payload: DecisionIn):
    promotion = found.get_promotion(request.auth, registry, promotion_id)
    promotions.reject(promotion=promotion, actor=request.auth, comment=payload.comment)
    return _full(found.get_promotion(request.auth, registry, promotion_id))


@router.post(ONE + "/withdraw", response={200: PromotionOut, **ERRORS})
def withdraw(request, registry: RegistryName, promotion_id: int):
    promotion = found.get_promotion(request.auth, registry, promotion_id)
    promotions.withdraw(promotion=promotion, actor=request.auth)
    return _full(found.get_promotion(request.auth, registry, promotion_id))


@router.post(ONE + "/reconfirm", response={200: PromotionOut, **ERRORS})
def reconfirm(request, registry: RegistryName, promotion_id: int):
    """The requester re-confirms a stale request against where the alias is now."""
    promotion = found.get_promotion(request.auth, registry, promotion_id)
    promotions.reconfirm(promotion=promotion, actor=request.auth)
    return _full(found.get_promotion(request.auth, registry, promotion_id))
