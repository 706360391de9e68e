"""Which outcomes are retried, and when."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from django.conf import settings

MAX_DELAY = 6 * 3600  # seconds; backoff never waits longer than this
MAX_RETRY_AFTER = 24 * 3600


def is_retryable_status(status: int) -> bool:
    """Network errors are retried too; of HTTP answers only 408, 429 and 5xx are."""
    return status in (408, 429) or 500 <= status <= 599


def backoff_seconds(attempt: int) -> float:
    """Exponential backoff with jitter after failed attempt number `attempt` (1-based).

    Equal jitter: half the delay is fixed, half random, so retries from many deliveries
    spread out without ever retrying immediately.
    """
    base = float(settings.REGISTRY_WEBHOOK_RETRY_BASE)
    delay = min(MAX_DELAY, base * 2 ** max(0, attempt - 1))
    return delay / 2 + random.uniform(0, delay / 2)  # noqa: S311 (jitter, not crypto)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Parse Retry-After (delta-seconds or an HTTP date); None if absent or unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), MAX_RETRY_AFTER))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delta = (when - (now or datetime.now(UTC))).total_seconds()
    return float(min(max(delta, 0.0), MAX_RETRY_AFTER))


def max_attempts() -> int:
    return int(settings.REGISTRY_WEBHOOK_MAX_ATTEMPTS)
