"""Promotion requests, the registry's list of them, and its Production board."""

from __future__ import annotations

from django.urls import path

from registry.views import promotion_gates, promotions

# Before the collection pages: "promotions" is not a collection page (as "settings").
P = "registries/<str:registry>/promotions/"

urlpatterns = [
    path(P, promotions.promotion_list, name="promotions"),
    path(P + "board/", promotions.production_board, name="production_board"),
    path(P + "<int:pk>/", promotions.promotion_page, name="promotion"),
    path(P + "<int:pk>/approve/", promotions.promotion_approve, name="promotion_approve"),
    path(P + "<int:pk>/reject/", promotions.promotion_reject, name="promotion_reject"),
    path(P + "<int:pk>/withdraw/", promotions.promotion_withdraw, name="promotion_withdraw"),
    path(P + "<int:pk>/reconfirm/", promotions.promotion_reconfirm, name="promotion_reconfirm"),
    path(
        "registries/<str:registry>/settings/protected-aliases/<str:name>/gates/",
        promotion_gates.gates_page,
        name="promotion_gates",
    ),
    path(
        "registries/<str:registry>/<str:collection>/v<int:index>/promotions/",
        promotions.promotion_request,
        name="promotion_request",
    ),
]
