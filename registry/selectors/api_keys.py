"""A user's API keys, for the API keys page."""

from __future__ import annotations

from django.db.models import QuerySet

from registry.models import ApiKey


def active_keys(user) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")
