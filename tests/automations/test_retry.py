"""Retry policy: which answers are retried, exponential backoff with jitter, Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from registry.webhooks import retry


@pytest.mark.parametrize(
    ("status", "retried"),
    [
        (408, True),
        (429, True),
        (500, True),
        (503, True),
        (599, True),
        (400, False),
        (401, False),
        (404, False),
        (410, False),
        (301, False),
    ],
)
def test_only_408_429_and_5xx_are_retried(status, retried):
    assert retry.is_retryable_status(status) is retried


def test_backoff_doubles_with_jitter_and_is_capped(settings):
    settings.REGISTRY_WEBHOOK_RETRY_BASE = 10
    for attempt, full in [(1, 10), (2, 20), (3, 40), (30, retry.MAX_DELAY)]:
        delays = {retry.backoff_seconds(attempt) for _ in range(50)}
        assert all(full / 2 <= d <= full for d in delays)
        assert len(delays) > 1  # jitter: deliveries failing together do not retry together


def test_retry_after_accepts_seconds_and_http_dates():
    now = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
    assert retry.retry_after_seconds("120", now) == 120
    assert retry.retry_after_seconds("Sat, 28 Nov 2026 12:05:00 GMT", now) == 300
    assert retry.retry_after_seconds("Sat, 28 Nov 2026 11:00:00 GMT", now) == 0
    assert retry.retry_after_seconds("soon", now) is None
    assert retry.retry_after_seconds("999999999", now) == retry.MAX_RETRY_AFTER
