"""Personal API keys: created once (the raw key is shown only then), stored as a sha256 hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from registry.errors import Invalid, NotFound
from registry.models import ApiKey

KEY_PREFIX = "reg_"
PREFIX_LENGTH = 12  # "reg_" + 8 characters: enough to tell keys apart, useless to an attacker
NAME_MAX = 100
NAME_INVALID = "An API key needs a name of 1-{max} characters, so you can tell your keys apart."
KEY_NOT_FOUND = "There is no active API key with that id among yours."
# last_used_at is written at most this often per key, so polling clients cost no writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def create_api_key(*, user, name: str) -> tuple[ApiKey, str]:
    """A new key for `user`. Returns (ApiKey, raw_key); the raw key is never stored."""
    name = " ".join((name or "").split())
    if not name or len(name) > NAME_MAX:
        raise Invalid(NAME_INVALID.format(max=NAME_MAX))
    raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        user=user, name=name, prefix=raw_key[:PREFIX_LENGTH], key_hash=hash_key(raw_key)
    )
    return key, raw_key


@transaction.atomic
def revoke_api_key(*, user, key_id: int) -> ApiKey:
    key = ApiKey.objects.filter(pk=key_id, user=user, revoked_at__isnull=True).first()
    if key is None:
        raise NotFound(KEY_NOT_FOUND)
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    return key


def authenticate(raw_key: str):
    """The active user owning `raw_key`, or None. Records when the key was last used."""
    if not raw_key or not raw_key.startswith(KEY_PREFIX) or len(raw_key) > 200:
        return None
    key = (
        ApiKey.objects.select_related("user")
        .filter(key_hash=hash_key(raw_key), revoked_at__isnull=True)
        .first()
    )
    if key is None or not key.user.is_active:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key.user


def active_keys(user):
    return ApiKey.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")
