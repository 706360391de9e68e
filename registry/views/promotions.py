"""Promotion pages: request (from the version page), the request itself with its
checklist and approve/reject/withdraw, a registry's list, and its Production board."""

from __future__ import annotations

from django.urls import reverse
from django.views.decorators.http import require_http_methods

from registry import permissions
from registry.errors import NotFound
from registry.selectors import promotions as found
from registry.selectors.compare import compare_versions
from registry.selectors.registries import Access
from registry.selectors.versions import find_version
from registry.services import promotions
from registry.views.forms import PromotionDecisionForm, PromotionRequestForm
from registry.views.pages import page_view, render_page, submit

REQUEST_TEMPLATE = "registry/promotion_request.html"
PAGE_TEMPLATE = "registry/promotion.html"
LIST_TEMPLATE = "registry/promotions.html"
BOARD_TEMPLATE = "registry/production_board.html"
REQUESTED = "Requested '{alias}' for v{index}; registry admins can now approve it."
RECONFIRMED = "Request #{id} now moves '{alias}' from where it is now; admins can approve it."
DECIDED = {
    "approved": "Request #{id} approved: '{alias}' is now on v{index}.",
    "pending": "Your approval of request #{id} is recorded; it needs more approvals.",
    "rejected": "Request #{id} rejected.",
    "withdrawn": "Request #{id} withdrawn.",
}


def _url(promotion) -> str:
    return reverse("promotion", args=[promotion.collection.registry.name, promotion.pk])


def _header(request, registry) -> dict:
    access = Access.of(request.user, registry)
    return {"registry": registry, "access": access, "current_role": access.role_label}


@page_view
@require_http_methods(["GET", "POST"])
def promotion_request(request, registry, collection, index):
    """GET: the form (alias, reason); POST asks for the alias to move to this version."""
    state = find_version(request.user, registry, collection, index)
    reg = state.version.collection.registry
    permissions.check_can_write(request.user, reg, "Requesting a promotion")

    def form_page(form, status=200):
        context = {
            **_header(request, reg),
            "collection": state.version.collection,
            "version": state.version,
            "protected_names": state.protected_names,
            "form": form,
        }
        return render_page(request, REQUEST_TEMPLATE, context, status=status)

    if request.method == "GET":
        return form_page(PromotionRequestForm(initial={"alias": request.GET.get("alias", "")}))
    form = PromotionRequestForm(request.POST)
    return submit(
        request,
        form,
        lambda data: promotions.request_promotion(
            registry=reg,
            collection=state.version.collection,
            ref=index,
            alias=data["alias"],
            reason=data["reason"],
            actor=request.user,
        ),
        refused=form_page,
        done=lambda promotion: form_page(form),
        success_url=_url,
        success_message=lambda p: REQUESTED.format(alias=p.alias, index=p.version.index),
    )


def _render_promotion(request, promotion, *, form=None, status=200):
    detail = found.promotion_detail(promotion)
    access = Access.of(request.user, promotion.collection.registry)
    context = {
        **_header(request, promotion.collection.registry),
        "promotion": promotion,
        "detail": detail,
        "form": form or PromotionDecisionForm(),
        "may_decide": access.is_admin and promotion.requested_by_id != request.user.pk,
        "may_override": request.user.is_superuser,
        "may_withdraw": promotion.requested_by_id == request.user.pk,
        "approved_by_me": any(a.approver_id == request.user.pk for a in detail.approvals),
        "changes": changes_between(promotion),
    }
    return render_page(request, PAGE_TEMPLATE, context, status=status)


def changes_between(promotion):
    """What changes if the alias moves: the version it held when requested against the
    proposed one (None when it held none: everything is new)."""
    if promotion.from_version_id is None:
        return None
    try:
        return compare_versions(promotion.from_version, promotion.version)
    except NotFound:
        return None  # the earlier version was unlinked meanwhile


@page_view
@require_http_methods(["GET"])
def promotion_page(request, registry, pk):
    return _render_promotion(request, found.get_promotion(request.user, registry, pk))


def _decide(request, registry, pk, action):
    promotion = found.get_promotion(request.user, registry, pk)
    form = PromotionDecisionForm(request.POST)
    return submit(
        request,
        form,
        lambda data: action(promotion, data),
        refused=lambda form, status=400: _render_promotion(
            request, promotion, form=form, status=status
        ),
        done=lambda decided: _render_promotion(request, decided),
        success_url=_url,
        success_message=lambda p: DECIDED[p.status].format(
            id=p.pk, alias=p.alias, index=p.version.index
        ),
    )


@page_view
@require_http_methods(["POST"])
def promotion_approve(request, registry, pk):
    return _decide(
        request,
        registry,
        pk,
        lambda promotion, data: promotions.approve(
            promotion=promotion,
            actor=request.user,
            comment=data["comment"],
            override_reason=data["override_reason"],
        ),
    )


@page_view
@require_http_methods(["POST"])
def promotion_reject(request, registry, pk):
    return _decide(
        request,
        registry,
        pk,
        lambda promotion, data: promotions.reject(
            promotion=promotion, actor=request.user, comment=data["comment"]
        ),
    )


@page_view
@require_http_methods(["POST"])
def promotion_withdraw(request, registry, pk):
    return _decide(
        request,
        registry,
        pk,
        lambda promotion, data: promotions.withdraw(promotion=promotion, actor=request.user),
    )


@page_view
@require_http_methods(["POST"])
def promotion_reconfirm(request, registry, pk):
    promotion = found.get_promotion(request.user, registry, pk)
    return submit(
        request,
        PromotionDecisionForm(request.POST),
        lambda data: promotions.reconfirm(promotion=promotion, actor=request.user),
        refused=lambda form, status=400: _render_promotion(
            request, promotion, form=form, status=status
        ),
        done=lambda confirmed: _render_promotion(request, confirmed),
        success_url=_url,
        success_message=lambda p: RECONFIRMED.format(id=p.pk, alias=p.alias),
    )


@page_view
@require_http_methods(["GET"])
def promotion_list(request, registry):
    """The registry's requests, pending first; `?status=` narrows them."""
    reg = permissions.get_registry_for_user(request.user, registry)
    status = request.GET.get("status") or None
    context = {
        **_header(request, reg),
        "promotions": found.promotions_of(reg, status),
        "status": status,
        "statuses": found.PromotionStatus.choices,
    }
    return render_page(request, LIST_TEMPLATE, context)


@page_view
@require_http_methods(["GET"])
def production_board(request, registry):
    reg = permissions.get_registry_for_user(request.user, registry)
    names, rows = found.production_board(reg)
    return render_page(
        request, BOARD_TEMPLATE, {**_header(request, reg), "names": names, "rows": rows}
    )
