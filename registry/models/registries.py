from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from registry.models.artifacts import ArtifactVersion


class Visibility(models.TextChoices):
    ORGANIZATION = "organization", "Organization"
    RESTRICTED = "restricted", "Restricted"


class Registry(models.Model):
    Visibility = Visibility

    name = models.CharField(max_length=113)
    description = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.ORGANIZATION
    )
    accepted_types = models.JSONField(default=list, blank=True)
    is_core = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "registries"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="registry_name_ci_unique"),
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values),
                name="registry_visibility_valid",
            ),
        ]
        # Roles are object permissions (django-guardian); see registry/permissions.py.
        permissions = [
            ("role_admin", "Registry admin"),
            ("role_member", "Registry member"),
            ("role_viewer", "Registry viewer"),
            ("role_restricted_viewer", "Registry restricted viewer"),
        ]

    def __str__(self) -> str:
        return self.name

    def accepts(self, type_: str) -> bool:
        return type_.lower() in {t.lower() for t in self.accepted_types}


class Collection(models.Model):
    registry = models.ForeignKey(Registry, on_delete=models.CASCADE, related_name="collections")
    name = models.CharField(max_length=128)
    type = models.CharField(max_length=64)
    description = models.TextField(blank=True)
    # Monotonic counter: indexes are never reused, even after an unlink (invariant 1).
    next_index = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("registry", Lower("name"), name="collection_name_ci_unique")
        ]
        indexes = [
            # Date filters (search, query API): a recent range reads its rows, not every
            # collection walked in id order.
            models.Index(fields=["created_at"], name="collection_created_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.registry.name}/{self.name}"


class CollectionTag(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=128)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("collection", Lower("name"), name="collection_tag_ci_unique")
        ]
        indexes = [
            # The collections holding a tag, in collection order (predicates.narrowing).
            models.Index(fields=["name", "collection"], name="collection_tag_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class LinkedVersion(models.Model):
    """A source artifact version linked into a collection as `vN`."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="versions")
    index = models.PositiveIntegerField()
    source = models.ForeignKey(
        ArtifactVersion, on_delete=models.PROTECT, related_name="linked_versions"
    )
    description = models.TextField(blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    linked_at = models.DateTimeField(auto_now_add=True)
    # Bumped when the version's own row is saved (description); alias and tag rows
    # have their own timestamps and history.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-index"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "index"], name="linked_version_index"),
            models.UniqueConstraint(fields=["collection", "source"], name="linked_version_source"),
        ]
        indexes = [
            models.Index(fields=["linked_at"], name="linked_version_linked_at_idx"),
        ]

    @property
    def version_string(self) -> str:
        return f"v{self.index}"

    def __str__(self) -> str:
        return f"{self.collection}:v{self.index}"


class VersionTag(models.Model):
    version = models.ForeignKey(LinkedVersion, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=128)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("version", Lower("name"), name="version_tag_ci_unique")
        ]
        indexes = [
            # The versions holding a tag, in version order (predicates.narrowing).
            models.Index(fields=["name", "version"], name="version_tag_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name
