"""Automations, webhook endpoints, Slack destinations, delivery logs (issue 6)."""

from __future__ import annotations

from django.urls import path

from registry.views import automations

urlpatterns = [
    # Fragment shown beside the Add alias input: which automations an alias would fire.
    path(
        "registries/<str:registry>/<str:collection>/v<int:index>/automation-preview/",
        automations.preview,
        name="automation_preview",
    ),
]
