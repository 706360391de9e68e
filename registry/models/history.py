from __future__ import annotations

from django.conf import settings
from django.db import models

from registry.models.artifacts import ArtifactVersion
from registry.models.registries import Collection


class LinkRecord(models.Model):
    """A version's stay in a collection: when it was linked and, once unlinked, when.

    Linked versions are deleted on unlink; this row stays, so what a collection held at
    any moment (its versions, and which was `latest`) can be answered after the fact.
    Written by the linking services in the same transaction as the link or unlink.
    """

    # No index of its own: the unique constraint and the time index both start with it.
    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="link_records", db_index=False
    )
    index = models.PositiveIntegerField()
    source = models.ForeignKey(
        ArtifactVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField()
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unlinked_at = models.DateTimeField(null=True, blank=True)
    unlinked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-index"]
        constraints = [
            # Indexes are never reused (invariant 1), so one row per index is the whole story.
            models.UniqueConstraint(fields=["collection", "index"], name="link_record_index"),
            models.CheckConstraint(
                condition=models.Q(unlinked_at__isnull=True)
                | models.Q(unlinked_at__gte=models.F("linked_at")),
                name="link_record_unlinked_after_linked",
            ),
        ]
        indexes = [
            # `latest` at a moment: the newest link at or before it, read backwards.
            models.Index(fields=["collection", "linked_at", "index"], name="link_record_time_idx")
        ]

    def __str__(self) -> str:
        return f"{self.collection}:v{self.index}"
