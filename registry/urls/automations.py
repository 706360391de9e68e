"""Automations, webhook endpoints, Slack destinations, delivery logs (issue 6)."""

from __future__ import annotations

from django.urls import path

from registry.views import automation_settings as manage
from registry.views import automations

BASE = "registries/<str:registry>/settings/"

urlpatterns = [
    # Fragment shown beside the Add alias input: which automations an alias would fire.
    path(
        "registries/<str:registry>/<str:collection>/v<int:index>/automation-preview/",
        automations.preview,
        name="automation_preview",
    ),
    path(f"{BASE}automations/", automations.overview, name="automations_settings"),
    path(f"{BASE}automations/new/", manage.automation_form, name="automation_new"),
    path(f"{BASE}automations/<int:pk>/", manage.automation_form, name="automation_edit"),
    path(
        f"{BASE}automations/<int:pk>/enabled/",
        manage.automation_toggle,
        name="automation_toggle",
    ),
    path(f"{BASE}automations/<int:pk>/delete/", manage.automation_delete, name="automation_delete"),
    path(
        f"{BASE}automations/<int:pk>/deliveries/",
        automations.delivery_log,
        name="automation_deliveries",
    ),
    path(f"{BASE}automations/<int:pk>/test/", automations.test_send, name="automation_test"),
    path(
        f"{BASE}deliveries/<int:pk>/redeliver/",
        automations.redeliver,
        name="delivery_redeliver",
    ),
    path(f"{BASE}webhooks/new/", manage.endpoint_form, name="endpoint_new"),
    path(f"{BASE}webhooks/<int:pk>/", manage.endpoint_form, name="endpoint_edit"),
    path(f"{BASE}webhooks/<int:pk>/delete/", manage.endpoint_delete, name="endpoint_delete"),
    path(f"{BASE}slack/new/", manage.slack_form, name="slack_new"),
    path(f"{BASE}slack/<int:pk>/delete/", manage.slack_delete, name="slack_delete"),
]
