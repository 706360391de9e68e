"""Personal API keys: created once (the raw key is shown only then), stored as a sha256 hash."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from registry import permissions
from registry.errors import Invalid, NotFound
from registry.key_auth import KEY_PREFIX, hash_key
from registry.models import ApiKey, Registry

PREFIX_LENGTH = 12  # "reg_" + 8 characters: enough to tell keys apart, useless to an attacker
NAME_MAX = 100
NAME_INVALID = "An API key needs a name of 1-{max} characters, so you can tell your keys apart."
EXPIRY_PAST = (
    "An API key's expiry must be in the future; leave it empty for a key that never expires."
)
NO_REGISTRIES = (
    "A key limited to registries needs at least one registry; choose 'every registry' for no limit."
)
KEY_NOT_FOUND = "There is no active API key with that id among yours."


@transaction.atomic
def create_api_key(
    *,
    user,
    name: str,
    read_only: bool = False,
    registries: list[Registry] | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """A new key for `user`. Returns (ApiKey, raw_key); the raw key is never stored.

    `read_only` keys change nothing; `registries` (None: all) limits the registries the key
    reaches; `expires_at` (None: never) ends it.
    """
    name = " ".join((name or "").split())
    if not name or len(name) > NAME_MAX:
        raise Invalid(NAME_INVALID.format(max=NAME_MAX))
    if expires_at is not None and expires_at <= timezone.now():
        raise Invalid(EXPIRY_PAST)
    registry_ids = None
    if registries is not None:
        if not registries:
            raise Invalid(NO_REGISTRIES)
        for registry in registries:
            permissions.check_can_view(user, registry)
        registry_ids = sorted({r.pk for r in registries})
    raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        user=user,
        name=name,
        prefix=raw_key[:PREFIX_LENGTH],
        key_hash=hash_key(raw_key),
        read_only=read_only,
        registry_ids=registry_ids,
        expires_at=expires_at,
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
