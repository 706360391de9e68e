"""Personal API keys: created once (the raw key is shown only then), stored as a sha256 hash."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from registry.errors import Invalid, NotFound
from registry.key_auth import KEY_PREFIX, hash_key
from registry.models import ApiKey

PREFIX_LENGTH = 12  # "reg_" + 8 characters: enough to tell keys apart, useless to an attacker
NAME_MAX = 100
NAME_INVALID = "An API key needs a name of 1-{max} characters, so you can tell your keys apart."
KEY_NOT_FOUND = "There is no active API key with that id among yours."


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
