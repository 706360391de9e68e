"""Checking API keys: the hash we store, and who a presented key belongs to.

Every API request runs `authenticate`, so it writes at most once a minute per key (the
last-used stamp); creating and revoking keys are services (`services.api_keys`).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from registry import key_scopes
from registry.models import ApiKey
from registry.selectors.compiled import compiled

KEY_PREFIX = "reg_"
# last_used_at is written at most this often per key, so polling clients cost no writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def looks_like_key(raw_key: str | None) -> bool:
    """Whether `raw_key` has the shape of one of our keys (checked before any query)."""
    return bool(raw_key) and raw_key.startswith(KEY_PREFIX) and len(raw_key) <= 200


def authenticate(raw_key: str):
    """The active user owning `raw_key` (not revoked, not expired), or None.

    The key's scope goes along on the user (`key_scopes`); the key's last use is stamped.
    """
    if not looks_like_key(raw_key):
        return None
    now = timezone.now()
    query = compiled("api-key", _live_key, "key_hash")
    key = query.first_instance(key_hash=hash_key(raw_key))
    if key is None or (key.expires_at is not None and key.expires_at <= now):
        return None
    if key.last_used_at is None or key.last_used_at < now - LAST_USED_RESOLUTION:
        touch(key.pk, now)
    user = key.user
    key_scopes.attach(user, scope_of_key(key))
    return user


def _live_key(key_hash: str):
    """The unrevoked key with this hash, with its active owner. Every API request asks, so
    it is compiled once (selectors.compiled); expiry is compared with the clock in Python."""
    return ApiKey.objects.select_related("user").filter(
        key_hash=key_hash, revoked_at__isnull=True, user__is_active=True
    )[:1]


def scope_of_key(key: ApiKey) -> key_scopes.KeyScope:
    return key_scopes.KeyScope.of(
        name=key.name,
        read_only=key.read_only,
        registry_ids=key.registry_ids,
        expires_at=key.expires_at,
    )


def touch(key_id: int, now=None) -> None:
    ApiKey.objects.filter(pk=key_id).update(last_used_at=now or timezone.now())


def user_with(*, id: int, is_superuser: bool, db: str):
    """The key's owner as read beside another row: an active user whose other fields
    load from the database on first access."""
    User = get_user_model()
    known = {"id": id, "is_superuser": is_superuser, "is_active": True}
    fields = [f.attname for f in User._meta.concrete_fields if f.attname in known]
    return User.from_db(db, fields, [known[f] for f in fields])
