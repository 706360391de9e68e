"""Automations test kit: a real worker, real local receivers, a clock we can move.

Worker tests use `django_db(transaction=True)` (the worker closes connections), which
flushes the database between tests; so `registry` here re-creates the core Model
registry when a flush removed it.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max
from werkzeug import Response

from registry.models import Delivery
from registry.services import automation_settings as settings_service
from registry.webhooks import secrets

TOKEN = "tok-3c6f0b2e-very-secret"
SIGNING_SECRET = secrets.generate_signing_secret()


def run_worker() -> None:
    """Run the real db_worker until nothing is due, as `make run` does, then return."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def advance_clock(seconds: float) -> None:
    """Pretend `seconds` have passed: retries, leases and deferred tasks fall due."""
    delta = timedelta(seconds=seconds)
    Delivery.objects.update(next_attempt_at=F("next_attempt_at") - delta)
    Delivery.objects.exclude(claimed_at=None).update(claimed_at=F("claimed_at") - delta)
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).exclude(
        run_after=get_date_max()
    ).update(run_after=F("run_after") - delta)


class Receiver:
    """A webhook target on pytest-httpserver that dedupes on `webhook-id`."""

    def __init__(self, server, path: str = "/hook"):
        self.server = server
        self.path = path
        self.requests: list = []
        self.replies: list[tuple[int, dict]] = []  # consumed first; then 200
        server.expect_request(path, method="POST").respond_with_handler(self._handle)

    @property
    def url(self) -> str:
        return self.server.url_for(self.path)

    def _handle(self, request):
        self.requests.append(
            {"headers": dict(request.headers), "body": request.get_data(as_text=True)}
        )
        status, headers = self.replies.pop(0) if self.replies else (200, {})
        return Response("ok" if status < 300 else "nope", status=status, headers=headers)

    @property
    def unique_ids(self) -> set[str]:
        return {r["headers"].get("Webhook-Id") for r in self.requests}

    def json(self, n: int = 0):
        return json.loads(self.requests[n]["body"])


@pytest.fixture
def receiver(httpserver):
    return Receiver(httpserver)


@pytest.fixture
def slack_receiver(httpserver):
    return Receiver(httpserver, "/services/T000/B000/slack-secret-path")


@pytest.fixture
def endpoint(registry, admin, receiver):
    return settings_service.create_endpoint(
        registry=registry,
        name="ci",
        url=receiver.url,
        token=TOKEN,
        secret=SIGNING_SECRET,
        actor=admin,
    )


@pytest.fixture
def make_automation(registry, admin, endpoint):
    def make(**fields):
        fields.setdefault("name", f"auto-{fields.get('event', 'alias')}-{id(fields)}")
        fields.setdefault("event", "ADD_ARTIFACT_ALIAS")
        fields.setdefault("action", "webhook")
        if fields["action"] == "webhook":
            fields.setdefault("endpoint", endpoint)
        return settings_service.create_automation(registry=registry, actor=admin, **fields)

    return make
