"""Promotion requests: a member asks for a protected alias to move; admins approve."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from registry.models.registries import Collection, LinkedVersion


class PromotionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PromotionRequest(models.Model):
    """A request to move `alias` of `collection` onto `version`.

    `from_index` is the version the alias held when the request was made (None: it held
    none); approval compares it with the holder then, so an approval never moves an alias
    that changed under the approver. Indexes are never reused, so the index is enough.
    """

    Status = PromotionStatus

    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="promotion_requests"
    )
    alias = models.CharField(max_length=128)
    version = models.ForeignKey(
        LinkedVersion, on_delete=models.CASCADE, related_name="promotion_requests"
    )
    from_version = models.ForeignKey(
        LinkedVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_index = models.PositiveIntegerField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_comment = models.TextField(blank=True)
    # An organization admin's written reason for moving the alias despite failing gates.
    override_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PromotionStatus.values), name="promotion_status_valid"
            ),
            # One open request per alias and target: asking twice adds nothing to review.
            models.UniqueConstraint(
                "version",
                Lower("alias"),
                condition=Q(status=PromotionStatus.PENDING),
                name="promotion_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["collection", "status"], name="promotion_coll_status")]

    def __str__(self) -> str:
        return f"{self.alias} → v{self.version.index}"

    @property
    def is_pending(self) -> bool:
        return self.status == PromotionStatus.PENDING


class PromotionApproval(models.Model):
    """One admin's approval; a request moves its alias once enough distinct admins agree."""

    request = models.ForeignKey(
        PromotionRequest, on_delete=models.CASCADE, related_name="approvals"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "approver"], name="promotion_approval_distinct"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} approved by {self.approver_id}"
