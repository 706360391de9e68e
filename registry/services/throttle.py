"""Counting failed sign-ins and bad API keys, and locking out who makes too many.

A fixed window per (scope, key): `limit` failures within `period` lock the key for
`period`; a lockout ends by itself. Counters live in the database (`FailureCount`), so
every node sees the same lockouts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from registry.models import FailureCount

ACCOUNT_LOCKED = (
    "Too many failed sign-ins for this account; try again after {until:%H:%M} UTC "
    "(in {minutes} minute{s})."
)
ADDRESS_LOCKED = (
    "Too many failed sign-ins from your network address; try again after {until:%H:%M} UTC "
    "(in {minutes} minute{s})."
)
API_LOCKED = (
    "Too many requests with a bad API key from your address; bad keys are refused until "
    "{until:%H:%M:%S} UTC (retry after {seconds} s). Check the key on the API keys page "
    "(/account/api-keys/)."
)


@dataclass(frozen=True)
class Rule:
    scope: str
    limit: int
    period: timedelta


def account_rule() -> Rule:
    return Rule(
        FailureCount.ACCOUNT,
        settings.REGISTRY_LOGIN_MAX_FAILURES,
        timedelta(seconds=settings.REGISTRY_LOGIN_LOCKOUT),
    )


def address_rule() -> Rule:
    return Rule(
        FailureCount.ADDRESS,
        settings.REGISTRY_LOGIN_MAX_FAILURES_PER_ADDRESS,
        timedelta(seconds=settings.REGISTRY_LOGIN_LOCKOUT),
    )


def api_rule() -> Rule:
    return Rule(
        FailureCount.API_ADDRESS,
        settings.REGISTRY_API_MAX_BAD_KEYS,
        timedelta(seconds=settings.REGISTRY_API_BAD_KEY_LOCKOUT),
    )


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind `REGISTRY_PROXY_COUNT` proxies the
    entry they appended to X-Forwarded-For (clients can forge the entries before it)."""
    proxies = settings.REGISTRY_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:255]
    return request.META.get("REMOTE_ADDR", "")[:255]


def account_key(username: str | None) -> str:
    return (username or "").strip().lower()[:255]


def locked_until(rule: Rule, key: str) -> datetime | None:
    """When the lockout of `key` ends, or None if it is not locked out."""
    until = (
        FailureCount.objects.filter(scope=rule.scope, key=key)
        .values_list("locked_until", flat=True)
        .first()
    )
    return until if until is not None and until > timezone.now() else None


def record_failure(rule: Rule, key: str) -> datetime | None:
    """Count one failure; returns when the lockout ends if this (or an earlier) one locked
    `key` out, else None."""
    now = timezone.now()
    for _ in range(2):  # a second try when another process created the row first
        try:
            with transaction.atomic():
                row = (
                    FailureCount.objects.select_for_update()
                    .filter(scope=rule.scope, key=key)
                    .first()
                )
                if row is None:
                    row = FailureCount.objects.create(
                        scope=rule.scope, key=key, failures=0, window_started_at=now
                    )
                if row.locked_until is not None and row.locked_until > now:
                    return row.locked_until
                if row.window_started_at <= now - rule.period or row.locked_until is not None:
                    row.failures, row.window_started_at, row.locked_until = 0, now, None
                row.failures += 1
                if row.failures >= rule.limit:
                    row.locked_until = now + rule.period
                row.save(update_fields=["failures", "window_started_at", "locked_until"])
                return row.locked_until
        except IntegrityError:
            continue
    return None


def clear(rule: Rule, key: str) -> None:
    FailureCount.objects.filter(scope=rule.scope, key=key).delete()


def describe(template: str, until: datetime) -> str:
    remaining = max(1, int((until - timezone.now()).total_seconds()))
    minutes = max(1, -(-remaining // 60))
    return template.format(
        until=until.astimezone(UTC),
        minutes=minutes,
        s="" if minutes == 1 else "s",
        seconds=remaining,
    )
