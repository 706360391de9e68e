"""Promotion requests as pages and the API show them: one, a registry's list, the board."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Lower

from registry import permissions
from registry.db import lower
from registry.errors import Invalid, NotFound
from registry.models import (
    Alias,
    AliasEvent,
    Collection,
    PromotionRequest,
    PromotionStatus,
    ProtectedAlias,
    Registry,
)
from registry.selectors import gates

PROMOTION_NOT_FOUND = (
    "Promotion request #{id} does not exist in registry '{registry}' or you do not have "
    "access to it."
)
BAD_STATUS = "Unknown status '{status}'; use one of: {allowed}."
LIST_LIMIT = 200


def promotions() -> QuerySet[PromotionRequest]:
    return PromotionRequest.objects.select_related(
        "collection__registry",
        "version__source__artifact__project__team",
        "from_version",
        "requested_by",
        "decided_by",
    )


def get_promotion(user, registry: Registry | str, pk) -> PromotionRequest:
    """The request `pk` of the registry, if `user` may see the registry (else NotFound)."""
    if isinstance(registry, str):
        registry = permissions.get_registry_for_user(user, registry)
    else:
        permissions.check_can_view(user, registry)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = None
    found = promotions().filter(pk=pk, collection__registry=registry).first() if pk else None
    if found is None:
        raise NotFound(PROMOTION_NOT_FOUND.format(id=pk, registry=registry.name))
    return found


def check_status(status: str | None) -> str | None:
    if status in (None, ""):
        return None
    if status not in PromotionStatus.values:
        raise Invalid(BAD_STATUS.format(status=status, allowed=", ".join(PromotionStatus.values)))
    return status


def promotions_of(registry: Registry, status: str | None = None) -> list[PromotionRequest]:
    """The registry's requests, pending first, newest first within each: one query."""
    found = promotions().filter(collection__registry=registry)
    status = check_status(status)
    if status:
        found = found.filter(status=status)
    pending_first = Case(
        When(status=PromotionStatus.PENDING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return list(found.order_by(pending_first, "-id")[:LIST_LIMIT])


def pending_count(registry: Registry) -> int:
    return PromotionRequest.objects.filter(
        collection__registry=registry, status=PromotionStatus.PENDING
    ).count()


@dataclass(frozen=True)
class PromotionDetail:
    """A request with what its page shows: approvals, the checklist, the alias now."""

    promotion: PromotionRequest
    approvals: list
    checks: list[gates.GateCheck]
    still_protected: bool
    holder_index: int | None  # the version the alias holds now

    @property
    def is_stale(self) -> bool:
        return self.promotion.is_pending and self.holder_index != self.promotion.from_index


def promotion_detail(promotion: PromotionRequest) -> PromotionDetail:
    collection = promotion.collection
    policy = gates.policy_for(collection.registry, promotion.alias)
    approvals = list(promotion.approvals.select_related("approver").order_by("id"))
    checks = []
    if policy is not None:
        checks = gates.version_checks(policy, promotion.version)
        checks.append(gates.approvals_check(policy, len(approvals)))
    holder = (
        Alias.objects.filter(collection=collection, name__lower=lower(promotion.alias))
        .values_list("version__index", flat=True)
        .first()
    )
    return PromotionDetail(promotion, approvals, checks, policy is not None, holder)


@dataclass(frozen=True)
class BoardCell:
    index: int | None
    event: object | None  # the AliasEvent that put the alias there (since, by, request)
    pending: list


@dataclass(frozen=True)
class BoardRow:
    collection: object
    cells: list[BoardCell]


def production_board(registry: Registry) -> tuple[list[str], list[BoardRow]]:
    """Every protected alias × collection: the version, since when, by whom (and through
    which request), and pending requests. Five queries, however many rows."""
    names = list(
        ProtectedAlias.objects.filter(registry=registry)
        .order_by("name")
        .values_list("name", flat=True)
    )
    collections = list(Collection.objects.filter(registry=registry).order_by("name"))
    lowered = [n.lower() for n in names]
    reached = AliasEvent.objects.filter(
        collection=OuterRef("collection"), alias__iexact=OuterRef("name")
    ).order_by("-id")
    held = list(
        Alias.objects.filter(collection__registry=registry)
        .annotate(lname=Lower("name"), event_id=Subquery(reached.values("id")[:1]))
        .filter(lname__in=lowered)
        .select_related("version")
    )
    events = AliasEvent.objects.select_related("actor").in_bulk([a.event_id for a in held])
    pending = (
        promotions()
        .filter(collection__registry=registry, status=PromotionStatus.PENDING)
        .order_by("id")
    )
    by_key: dict[tuple, list] = {}
    for promotion in pending:
        by_key.setdefault((promotion.collection_id, promotion.alias.lower()), []).append(promotion)
    holders = {(a.collection_id, a.lname): a for a in held}
    rows = []
    for collection in collections:
        cells = []
        for name in lowered:
            alias = holders.get((collection.pk, name))
            cells.append(
                BoardCell(
                    index=alias.version.index if alias else None,
                    event=events.get(alias.event_id) if alias else None,
                    pending=by_key.get((collection.pk, name), []),
                )
            )
        rows.append(BoardRow(collection, cells))
    return names, rows


SEARCH_LIMIT = 20


def pending_matching(user, text: str, filters: dict[str, str]) -> list[PromotionRequest]:
    """Pending requests an admin can decide whose alias or collection matches the search
    (`alias:`, `collection:` and `registry:` filters narrow them): one query."""
    if not text and not {"alias", "collection"} & filters.keys():
        return []
    found = promotions().filter(
        status=PromotionStatus.PENDING,
        collection__registry__in=permissions.administered_registries(user),
    )
    if text:
        found = found.filter(Q(alias__icontains=text) | Q(collection__name__icontains=text))
    if "alias" in filters:
        found = found.filter(alias__iexact=filters["alias"])
    if "collection" in filters:
        found = found.filter(collection__name__iexact=filters["collection"])
    if "registry" in filters:
        found = found.filter(collection__registry__name__iexact=filters["registry"])
    return list(found.order_by("-id")[:SEARCH_LIMIT])
