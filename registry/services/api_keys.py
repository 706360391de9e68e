"""Personal API keys: created once (the raw key is shown only then), stored as a sha256 hash."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from registry import key_scopes
from registry.errors import Invalid, NotFound
from registry.models import ApiKey, Registry

KEY_PREFIX = "reg_"
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
# last_used_at is written at most this often per key, so polling clients cost no writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


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
    from registry import permissions

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


_USER_FIELDS = {"id", "username", "is_active", "is_superuser", "is_staff"}
_AUTH_QUERY: dict[tuple[str, str], tuple[list[str], str]] = {}


def looks_like_key(raw_key: str | None) -> bool:
    """Whether `raw_key` has the shape of one of our keys (checked before any query)."""
    return bool(raw_key) and raw_key.startswith(KEY_PREFIX) and len(raw_key) <= 200


def _auth_query(joined: str) -> tuple[list[str], str]:
    """(user fields, SQL) for `authenticate`, built once per database vendor and join."""
    cache_key = (connection.vendor, joined)
    if cache_key not in _AUTH_QUERY:
        User = get_user_model()
        # In the model's field order: Model.from_db maps values onto concrete fields in order.
        fields = [f.attname for f in User._meta.concrete_fields if f.attname in _USER_FIELDS]
        columns = ", ".join(f"u.{connection.ops.quote_name(f)}" for f in fields)
        extra = ", j.*" if joined else ""
        join = f" LEFT JOIN ({joined}) j ON 1 = 1" if joined else ""
        sql = (
            f"SELECT k.id, CASE WHEN k.last_used_at IS NULL OR k.last_used_at < %s THEN 1 "
            f"ELSE 0 END, k.name, k.read_only, k.registry_ids, k.expires_at, "
            f"{columns}{extra} FROM {ApiKey._meta.db_table} k "
            f"JOIN {User._meta.db_table} u ON u.id = k.user_id{join} "
            "WHERE k.key_hash = %s AND k.revoked_at IS NULL "
            "AND (k.expires_at IS NULL OR k.expires_at > %s)"
        )
        _AUTH_QUERY[cache_key] = (fields, sql)
    return _AUTH_QUERY[cache_key]


def authenticate(raw_key: str):
    """The active user owning `raw_key`, or None. Records when the key was last used.

    Every API request runs this, so it is one hand-written query (the ORM's own cost is
    larger than the query's) and writes at most once a minute per key. The user comes back
    with the fields authorization needs; any other field loads on first access.
    """
    return authenticate_joined(raw_key)[0]


def authenticate_joined(raw_key: str, joined: tuple[str, list] | None = None):
    """`authenticate`, reading a caller's one-row query in the same round trip.

    `joined` is (sql, params) of a query that yields at most one row and does not depend
    on the key; its columns come back beside the user as a tuple (all None when it found
    nothing). Returns (user, row), or (None, None) when the key is not valid. Nothing of
    the joined row may be shown before the caller has checked the user may see it.
    """
    if not looks_like_key(raw_key):
        return None, None
    User = get_user_model()
    joined_sql, joined_params = joined or ("", [])
    fields, sql = _auth_query(joined_sql)
    now = timezone.now()
    stale = connection.ops.adapt_datetimefield_value(now - LAST_USED_RESOLUTION)
    now_db = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(sql, [stale, *joined_params, hash_key(raw_key), now_db])
        row = cursor.fetchone()
    if row is None:
        return None, None
    key_id, needs_touch, name, read_only, registry_ids, expires_at, *values = row
    user = User.from_db(connection.alias, fields, values[: len(fields)])
    if not user.is_active:
        return None, None
    key_scopes.attach(user, _scope(name, read_only, registry_ids, expires_at))
    if needs_touch:
        ApiKey.objects.filter(pk=key_id).update(last_used_at=now)
    return user, tuple(values[len(fields) :])


def _scope(name, read_only, registry_ids, expires_at) -> key_scopes.KeyScope:
    """The scope from the raw columns (SQLite returns JSON and datetimes as text)."""
    if isinstance(registry_ids, str):
        registry_ids = json.loads(registry_ids)
    if isinstance(expires_at, str):
        expires_at = parse_datetime(expires_at)
    if expires_at is not None and timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at, UTC)
    return key_scopes.KeyScope(
        key_name=name,
        read_only=bool(read_only),
        registry_ids=None if registry_ids is None else frozenset(registry_ids),
        expires_at=expires_at,
    )


def scope_of_key(key: ApiKey) -> key_scopes.KeyScope:
    return key_scopes.KeyScope(
        key_name=key.name,
        read_only=key.read_only,
        registry_ids=None if key.registry_ids is None else frozenset(key.registry_ids),
        expires_at=key.expires_at,
    )


def active_keys(user):
    """The user's keys that are not revoked (expired ones too, marked by the page)."""
    return ApiKey.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")
