from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from registry.models.registries import Collection, LinkedVersion, Registry

# Reserved names (`latest`, `vN`) are derived, never stored (invariants 2 and 3).
_NOT_RESERVED = ~Q(name__iexact="latest") & ~Q(name__iregex=r"^v[0-9]+$")


class Alias(models.Model):
    """A custom or protected alias. `latest` and `vN` are derived and never stored."""

    # Denormalised from version.collection so the database can hold uniqueness
    # per collection (invariant 4); the services keep the two in step.
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="aliases")
    version = models.ForeignKey(LinkedVersion, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=128)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "aliases"
        constraints = [
            models.UniqueConstraint("collection", Lower("name"), name="alias_name_ci_unique"),
            models.CheckConstraint(condition=_NOT_RESERVED, name="alias_name_not_reserved"),
        ]
        indexes = [
            # The versions holding an alias, in version order (predicates.narrowing).
            models.Index(fields=["name", "version"], name="alias_name_version_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class ProtectedAlias(models.Model):
    """A name that, in this registry, only admins may add, move or remove.

    Its policy (gates) holds for every move onto a version: `conditions` on the version
    (the query API's predicate language), a finished source run, and for requests the
    number of distinct admins who must approve.
    """

    registry = models.ForeignKey(
        Registry, on_delete=models.CASCADE, related_name="protected_aliases"
    )
    name = models.CharField(max_length=128)
    required_approvals = models.PositiveSmallIntegerField(default=1)
    conditions = models.JSONField(default=dict, blank=True)
    require_finished_run = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "protected aliases"
        constraints = [
            models.UniqueConstraint("registry", Lower("name"), name="protected_alias_ci_unique"),
            models.CheckConstraint(condition=_NOT_RESERVED, name="protected_alias_not_reserved"),
            models.CheckConstraint(
                condition=Q(required_approvals__gte=1), name="protected_alias_approvals_min"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AliasEvent(models.Model):
    """Append-only history of alias changes in a collection.

    Versions are kept as indexes as well as links, so the history stays readable after
    a version is unlinked.
    """

    class Action(models.TextChoices):
        ADD = "add", "added"
        MOVE = "move", "moved"
        REMOVE = "remove", "removed"

    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="alias_events"
    )
    alias = models.CharField(max_length=128)
    action = models.CharField(max_length=8, choices=Action.choices)
    from_index = models.PositiveIntegerField(null=True, blank=True)
    to_index = models.PositiveIntegerField(null=True, blank=True)
    from_version = models.ForeignKey(
        LinkedVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_version = models.ForeignKey(
        LinkedVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The request whose approval made this change, and an org admin's reason for moving
    # past failing gates: both shown with the history.
    promotion = models.ForeignKey(
        "registry.PromotionRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    override_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["collection", "-id"], name="alias_event_coll_idx"),
            # An alias at a moment: its last event at or before it (names ignore case).
            models.Index(
                F("collection"), Lower("alias"), F("created_at"), F("id"), name="alias_event_at_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alias} {self.action}"

    @classmethod
    def build(
        cls, collection, alias: str, action, actor, *, source=None, to=None, **extra
    ) -> AliasEvent:
        """An unsaved history row: `alias` left version `source` and/or reached `to`.

        The one place history rows are shaped; services save them (singly or in bulk).
        """
        return cls(
            collection=collection,
            alias=alias,
            action=action,
            from_version=source,
            from_index=source.index if source is not None else None,
            to_version=to,
            to_index=to.index if to is not None else None,
            actor=actor,
            **extra,
        )
