"""The worker's side of the outbox: claim a due delivery, send it, record the attempt.

Claims are compare-and-set UPDATEs (pending → sending, with a lease), so two workers never
send the same attempt. A worker that dies mid-send leaves a `sending` row whose lease
expires; `manage.py registry_sweep` claims it again (receivers dedupe on `webhook-id`,
which is the same for every attempt of a delivery).
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import uuid
from datetime import UTC, timedelta
from urllib.parse import quote, urlsplit

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from registry.models import Automation, Delivery, DeliveryAttempt
from registry.webhooks import http, retry, secrets, signing

log = logging.getLogger("registry.webhooks")
WORKER_ID = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
GAVE_UP = "Gave up after {n} attempts."
SWEEP_LIMIT = 500  # expired claims logged per call; the rest on the next
NOT_FOLLOWED = "Redirects are not followed; point the URL at its final address."


def lease() -> timedelta:
    """How long a claim holds: well beyond one request, so only dead workers lose it."""
    minimum = settings.REGISTRY_WEBHOOK_MIN_LEASE
    return timedelta(seconds=max(minimum, 3 * int(settings.REGISTRY_WEBHOOK_TIMEOUT)))


def _due(now) -> Q:
    return Q(status=Delivery.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Delivery.Status.SENDING, claimed_at__lt=now - lease()
    )


INTERRUPTED = (
    "Interrupted: worker {worker} started this attempt at {started:%Y-%m-%d %H:%M:%S} UTC "
    "and did not finish it within its {lease} s lease (stopped or killed); the receiver may "
    "or may not have got it."
)


def record_interrupted(now=None, **filters) -> int:
    """Log an attempt for every claim whose lease ran out, and make its delivery due.

    A worker killed mid-send records nothing; without this its attempt would be missing
    from the delivery log. Compare-and-set on the claim, so only one process logs each.
    """
    now = now or timezone.now()
    expired = Delivery.objects.filter(
        status=Delivery.Status.SENDING, claimed_at__lt=now - lease(), **filters
    ).values_list("pk", "claimed_at", "claimed_by", "attempts")
    logged = 0
    for pk, claimed_at, claimed_by, attempts in expired[:SWEEP_LIMIT]:
        outcome, error = (
            DeliveryAttempt.Outcome.RETRY,
            INTERRUPTED.format(
                worker=claimed_by or "?",
                started=claimed_at.astimezone(UTC),
                lease=int(lease().total_seconds()),
            ),
        )
        fields: dict = {"status": Delivery.Status.PENDING, "next_attempt_at": now}
        if attempts >= retry.max_attempts():
            outcome, error = DeliveryAttempt.Outcome.FAILED, f"{error} {GAVE_UP.format(n=attempts)}"
            fields = {"status": Delivery.Status.FAILED, "finished_at": now}
        with transaction.atomic():
            won = Delivery.objects.filter(
                pk=pk, status=Delivery.Status.SENDING, claimed_at=claimed_at, claimed_by=claimed_by
            ).update(claimed_at=None, claimed_by="", **fields)
            if won:
                DeliveryAttempt.objects.create(
                    delivery_id=pk,
                    number=attempts,
                    started_at=claimed_at,
                    outcome=outcome,
                    error=error[:500],
                )
                logged += 1
    return logged


def claim(delivery_id: int, worker: str = WORKER_ID) -> Delivery | None:
    """Claim one delivery if it is due; None when it is not (or someone else has it)."""
    now = timezone.now()
    record_interrupted(now, pk=delivery_id)
    claimed = (
        Delivery.objects.filter(_due(now), pk=delivery_id).update(
            status=Delivery.Status.SENDING,
            claimed_at=now,
            claimed_by=worker,
            attempts=F("attempts") + 1,
        )
        == 1
    )
    if not claimed:
        return None
    return Delivery.objects.select_related(
        "automation__endpoint", "automation__slack", "automation__registry"
    ).get(pk=delivery_id)


def claim_next(worker: str = WORKER_ID) -> Delivery | None:
    """Claim the most overdue delivery; SKIP LOCKED keeps PostgreSQL workers apart."""
    record_interrupted()
    for _ in range(5):
        with transaction.atomic():
            pk = (
                Delivery.objects.select_for_update(skip_locked=True)
                .filter(_due(timezone.now()))
                .order_by("next_attempt_at")
                .values_list("pk", flat=True)
                .first()
            )
            if pk is None:
                return None
            delivery = claim(pk, worker)
        if delivery is not None:
            return delivery
    return None


def build_request(delivery: Delivery) -> tuple[str, str, dict[str, str]]:
    """URL, body and headers. Secrets are decrypted here and nowhere else."""
    automation = delivery.automation
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"))
    if automation.action == Automation.Action.SLACK:
        return secrets.decrypt(automation.slack.url_encrypted), body, {}
    endpoint = automation.endpoint
    headers: dict[str, str] = {}
    token = secrets.decrypt(endpoint.token_encrypted)
    if token:
        headers["authorization"] = f"Bearer {token}"
    secret = secrets.decrypt(endpoint.secret_encrypted)
    if secret:
        headers.update(
            signing.signature_headers(secret=secret, message_id=delivery.message_id, body=body)
        )
    else:
        headers["webhook-id"] = delivery.message_id
    return endpoint.url, body, headers


# Path segments of a destination URL that name a route rather than a credential.
_ROUTE_WORDS = {"services", "hooks", "hook", "api", "webhook", "webhooks", "triggers"}
_MIN_PART = 4  # shorter fragments would blank out ordinary words in a response


def secret_parts(value: str) -> set[str]:
    """Every piece of a secret a receiver might echo on its own.

    A Slack incoming-webhook URL is a credential in its path
    (`/services/T…/B…/SECRET`): receivers echo the path, or one segment, not only the
    whole URL. Signing secrets appear with and without their `whsec_` prefix.
    """
    parts = {value}
    if value.startswith("whsec_"):
        parts.add(value.removeprefix("whsec_"))
    split = urlsplit(value)
    if split.scheme in ("http", "https") and split.netloc:
        parts.update(p for p in [split.path, split.query, split.path + "?" + split.query])
        for segment in split.path.split("/") + re.split(r"[&=]", split.query):
            if len(segment) >= _MIN_PART and segment.lower() not in _ROUTE_WORDS:
                parts.add(segment)
    parts |= {quote(p, safe="") for p in parts} | {quote(p) for p in parts}
    return {p for p in parts if len(p) >= _MIN_PART}


def _redact(text: str, delivery: Delivery) -> str:
    """Receivers sometimes echo requests back: never let a secret, or part of one, into
    the log."""
    automation = delivery.automation
    if automation.action == Automation.Action.SLACK:
        hidden = [automation.slack.url_encrypted]
    else:
        hidden = [automation.endpoint.token_encrypted, automation.endpoint.secret_encrypted]
    parts: set[str] = set()
    for encrypted in hidden:
        try:
            value = secrets.decrypt(encrypted)
        except secrets.SecretUnavailable:
            continue
        if value:
            parts |= secret_parts(value)
    # Longest first, so a whole URL is replaced before the segments inside it.
    for part in sorted(parts, key=len, reverse=True):
        text = text.replace(part, "[redacted]")
    return text


def send(delivery: Delivery, worker: str = WORKER_ID, *, retries: bool = True) -> DeliveryAttempt:
    """Send a claimed delivery once and record the outcome (retried later if allowed)."""
    started = timezone.now()
    status_code, excerpt, latency, error, retry_after = None, "", 0, "", None
    try:
        url, body, headers = build_request(delivery)
        answer = http.post_json(url, body, headers)
        status_code, latency = answer.status_code, answer.latency_ms
        excerpt = _redact(answer.excerpt, delivery)
        retry_after = answer.retry_after
        if 200 <= status_code <= 299:
            outcome = DeliveryAttempt.Outcome.SUCCESS
        elif retry.is_retryable_status(status_code):
            outcome, error = DeliveryAttempt.Outcome.RETRY, f"HTTP {status_code}"
        else:
            outcome, error = DeliveryAttempt.Outcome.FAILED, f"HTTP {status_code}; not retried"
            if 300 <= status_code <= 399:
                error = f"HTTP {status_code}. {NOT_FOLLOWED}"
    except (http.BlockedAddress, secrets.SecretUnavailable) as exc:
        outcome, error = DeliveryAttempt.Outcome.FAILED, str(exc)
    except httpx.TimeoutException:
        outcome = DeliveryAttempt.Outcome.RETRY
        error = f"No answer within {settings.REGISTRY_WEBHOOK_TIMEOUT} s."
    except (httpx.TransportError, httpx.InvalidURL) as exc:
        retryable = isinstance(exc, httpx.TransportError)
        outcome = DeliveryAttempt.Outcome.RETRY if retryable else DeliveryAttempt.Outcome.FAILED
        error = f"Network error: {type(exc).__name__}: {exc}"[:480]
    error = _redact(error, delivery)
    if not latency:
        latency = int((timezone.now() - started).total_seconds() * 1000)
    if outcome == DeliveryAttempt.Outcome.RETRY and not retries:
        outcome = DeliveryAttempt.Outcome.FAILED
    return record(
        delivery, worker, started, outcome, status_code, latency, error, excerpt, retry_after
    )


def record(delivery, worker, started, outcome, status_code, latency, error, excerpt, retry_after):
    now = timezone.now()
    fields: dict = {"claimed_at": None, "claimed_by": ""}
    if outcome == DeliveryAttempt.Outcome.RETRY and delivery.attempts >= retry.max_attempts():
        outcome = DeliveryAttempt.Outcome.FAILED
        error = f"{error}. {GAVE_UP.format(n=delivery.attempts)}"
    if outcome == DeliveryAttempt.Outcome.SUCCESS:
        fields.update(status=Delivery.Status.SUCCEEDED, finished_at=now)
    elif outcome == DeliveryAttempt.Outcome.FAILED:
        fields.update(status=Delivery.Status.FAILED, finished_at=now)
    else:
        delay = retry.retry_after_seconds(retry_after) if status_code == 429 else None
        if delay is None:
            delay = retry.backoff_seconds(delivery.attempts)
        fields.update(
            status=Delivery.Status.PENDING, next_attempt_at=now + timedelta(seconds=delay)
        )
    with transaction.atomic():
        attempt = DeliveryAttempt.objects.create(
            delivery=delivery,
            number=_earlier_rounds(delivery) + delivery.attempts,
            started_at=started,
            status_code=status_code,
            latency_ms=latency,
            outcome=outcome,
            error=error[:500],
            response_excerpt=excerpt,
        )
        # Only the holder of the claim moves the delivery on; a worker whose lease ran out
        # still logs what it saw but leaves the state to the new holder.
        Delivery.objects.filter(
            pk=delivery.pk, status=Delivery.Status.SENDING, claimed_by=worker
        ).update(**fields)
    log.info(
        "delivery %s (automation %s) attempt %s: %s %s %s ms",
        delivery.message_id,
        delivery.automation_id,
        delivery.attempts,
        outcome,
        status_code if status_code is not None else "-",
        latency,
    )
    return attempt


def _earlier_rounds(delivery: Delivery) -> int:
    """Attempts made in earlier rounds: a Redeliver starts `attempts` at 0 again (for the
    backoff), while the log keeps counting, so a redelivered attempt is #4, not #1 again.
    A round ends with a final attempt; a lost attempt (a killed worker) still counts."""
    last = DeliveryAttempt.objects.filter(
        delivery=delivery,
        outcome__in=[DeliveryAttempt.Outcome.SUCCESS, DeliveryAttempt.Outcome.FAILED],
    ).aggregate(last=Max("number"))["last"]
    return last or 0
