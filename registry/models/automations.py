"""Automations: who to notify (endpoints, Slack destinations), when, and the outbox.

Secrets (bearer tokens, signing secrets, Slack incoming-webhook URLs) are stored encrypted
(registry.webhooks.secrets) and are write-only: no page, API response or log shows them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from registry.models.registries import Collection, Registry


class EventType(models.TextChoices):
    """What happened in a registry; automations fire on these (W&B's event names)."""

    LINK_ARTIFACT = "LINK_ARTIFACT", "A version is linked (LINK_ARTIFACT)"
    ADD_ARTIFACT_ALIAS = "ADD_ARTIFACT_ALIAS", "An alias is added or moved (ADD_ARTIFACT_ALIAS)"
    REMOVE_ARTIFACT_ALIAS = "REMOVE_ARTIFACT_ALIAS", "An alias is removed (REMOVE_ARTIFACT_ALIAS)"
    UNLINK_ARTIFACT = "UNLINK_ARTIFACT", "A version is unlinked (UNLINK_ARTIFACT)"
    PROMOTION_REQUESTED = (
        "PROMOTION_REQUESTED",
        "A promotion is requested (PROMOTION_REQUESTED)",
    )
    PROMOTION_APPROVED = "PROMOTION_APPROVED", "A promotion is approved (PROMOTION_APPROVED)"
    PROMOTION_REJECTED = "PROMOTION_REJECTED", "A promotion is rejected (PROMOTION_REJECTED)"


class AutomationAction(models.TextChoices):
    SLACK = "slack", "Slack message"
    WEBHOOK = "webhook", "Webhook"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Failed"


class WebhookEndpoint(models.Model):
    registry = models.ForeignKey(
        Registry, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    name = models.CharField(max_length=100)
    url = models.URLField(max_length=2000)
    token_encrypted = models.TextField(blank=True)
    secret_encrypted = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("registry", Lower("name"), name="webhook_endpoint_name_ci")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_token(self) -> bool:
        return bool(self.token_encrypted)

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_encrypted)


class SlackDestination(models.Model):
    """A Slack incoming webhook. The URL is the credential, so it is stored encrypted."""

    registry = models.ForeignKey(
        Registry, on_delete=models.CASCADE, related_name="slack_destinations"
    )
    channel = models.CharField(max_length=80)  # a label such as "#deployments"
    url_encrypted = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["channel"]
        constraints = [
            models.UniqueConstraint("registry", Lower("channel"), name="slack_channel_ci")
        ]

    def __str__(self) -> str:
        return self.channel


class Automation(models.Model):
    Action = AutomationAction

    registry = models.ForeignKey(Registry, on_delete=models.CASCADE, related_name="automations")
    # Null: the whole registry, including collections created later.
    collection = models.ForeignKey(
        Collection, null=True, blank=True, on_delete=models.CASCADE, related_name="automations"
    )
    name = models.CharField(max_length=128)
    description = models.TextField(blank=True)
    event = models.CharField(max_length=32, choices=EventType.choices)
    # Searched in the alias (W&B's matches_regex), not matched against all of it.
    alias_regex = models.CharField(max_length=256, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    slack = models.ForeignKey(
        SlackDestination, null=True, blank=True, on_delete=models.RESTRICT, related_name="+"
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint, null=True, blank=True, on_delete=models.RESTRICT, related_name="+"
    )
    payload_template = models.TextField(blank=True)
    enabled = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("registry", Lower("name"), name="automation_name_ci"),
            models.CheckConstraint(
                condition=Q(event__in=EventType.values), name="automation_event_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(action=AutomationAction.SLACK, slack__isnull=False, endpoint__isnull=True)
                    | Q(action=AutomationAction.WEBHOOK, endpoint__isnull=False, slack__isnull=True)
                ),
                name="automation_action_target",
            ),
        ]
        indexes = [
            models.Index(fields=["registry", "event", "enabled"], name="automation_match_idx")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def target_label(self) -> str:
        if self.action == self.Action.SLACK:
            return f"notify {self.slack.channel}"
        return f"call webhook {self.endpoint.name}"


class Delivery(models.Model):
    """One outbox message: written in the change's transaction, sent by the worker."""

    Status = DeliveryStatus

    automation = models.ForeignKey(Automation, on_delete=models.CASCADE, related_name="deliveries")
    # Standard Webhooks `webhook-id`: the same for every attempt, so receivers can dedupe.
    message_id = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=32, choices=EventType.choices)
    # Snapshot taken at enqueue time: the version may be unlinked right after.
    payload = models.JSONField()
    is_test = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)  # in the current round (see redeliver)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values),
                name="delivery_status_valid",
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]

    def __str__(self) -> str:
        return self.message_id


class DeliveryAttempt(models.Model):
    class Outcome(models.TextChoices):
        SUCCESS = "success", "Delivered"
        RETRY = "retry", "Will retry"
        FAILED = "failed", "Failed"

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()  # counts on across Redeliver rounds
    started_at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    error = models.CharField(max_length=500, blank=True)
    response_excerpt = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.delivery_id}#{self.number}"
