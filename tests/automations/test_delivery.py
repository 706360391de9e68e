"""The outbox end to end through the service and the real worker, to local receivers."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction
from standardwebhooks import Webhook

from registry.models import Delivery, DeliveryAttempt
from registry.services.aliases import add_alias
from registry.webhooks import outbox
from tests.automations.conftest import SIGNING_SECRET, TOKEN, advance_clock, run_worker
from tests.factories import link_new

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_alias_add_sends_exactly_one_signed_delivery(
    registry, member, receiver, make_automation
):
    make_automation(name="deploy")
    version = link_new(member, registry, "zoo")
    add_alias(version=version, name="staging", actor=member)
    assert len(receiver.requests) == 0  # the alias add does not wait for the delivery

    run_worker()

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    payload = Webhook(SIGNING_SECRET).verify(request["body"], request["headers"])
    assert payload == {
        "event_type": "ADD_ARTIFACT_ALIAS",
        "event_author": "member",
        "alias": "staging",
        "artifact_version": "v0",
        "artifact_version_string": "wandb-registry-Model/zoo:v0",
        "artifact_collection_name": "zoo",
        "project_name": "proj",
        "entity_name": "team",
        "previous_version": "",
        "registry_name": "Model",
        "promotion_url": "",
        "promotion_reason": "",
        "promotion_comment": "",
    }
    assert request["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert request["headers"]["Content-Type"] == "application/json"
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert request["headers"]["Webhook-Id"] == delivery.message_id
    attempt = delivery.attempt_log.get()
    assert (attempt.outcome, attempt.status_code, attempt.response_excerpt) == (
        "success",
        200,
        "ok",
    )


def test_a_move_carries_the_previous_version(registry, member, receiver, make_automation):
    make_automation(
        name="moves",
        payload_template='{"alias": "${alias}", "from": "${previous_version}", '
        '"to": "${artifact_version}"}',
    )
    first = link_new(member, registry, "zoo")
    second = link_new(member, registry, "zoo")
    add_alias(version=first, name="production", actor=member)
    add_alias(version=second, name="production", actor=member)
    run_worker()
    bodies = sorted((receiver.json(i) for i in range(2)), key=lambda b: b["from"])
    assert bodies == [
        {"alias": "production", "from": "", "to": "v0"},
        {"alias": "production", "from": "v0", "to": "v1"},
    ]


def test_re_adding_an_alias_sends_nothing(registry, member, receiver, make_automation):
    make_automation(name="deploy")
    version = link_new(member, registry, "zoo", aliases=["staging"])
    add_alias(version=version, name="Staging", actor=member)
    run_worker()
    assert len(receiver.requests) == 1  # from the link only
    assert Delivery.objects.count() == 1


def test_a_rolled_back_change_sends_nothing(registry, member, receiver, make_automation):
    make_automation(name="deploy")
    version = link_new(member, registry, "zoo")
    with pytest.raises(RuntimeError), transaction.atomic():
        add_alias(version=version, name="staging", actor=member)
        raise RuntimeError("the surrounding change fails")
    run_worker()
    advance_clock(3600)
    run_worker()
    assert receiver.requests == []
    assert not Delivery.objects.exists()


def test_a_400_is_not_retried(registry, member, receiver, make_automation):
    make_automation(name="deploy")
    receiver.replies = [(400, {})]
    add_alias(version=link_new(member, registry), name="staging", actor=member)
    run_worker()
    advance_clock(24 * 3600)
    run_worker()
    assert len(receiver.requests) == 1
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempt_log.get().error == "HTTP 400; not retried"


def test_a_redelivery_numbers_its_attempts_after_the_earlier_ones(
    registry, admin, member, receiver, make_automation
):
    from registry.services.automations import redeliver

    make_automation(name="deploy")
    receiver.replies = [(500, {}), (400, {}), (503, {}), (200, {})]
    add_alias(version=link_new(member, registry), name="staging", actor=member)
    run_worker()
    advance_clock(3600)
    run_worker()  # 500 then 400: the first round ends failed after attempt #2
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    redeliver(delivery=delivery, actor=admin)
    run_worker()
    advance_clock(2 * 3600)
    run_worker()  # 503 then 200
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    log = delivery.attempt_log.order_by("id")
    assert [(a.number, a.status_code) for a in log] == [(1, 500), (2, 400), (3, 503), (4, 200)]


def test_a_500_is_retried_with_backoff_and_then_delivered(
    registry, member, receiver, make_automation
):
    make_automation(name="deploy")
    receiver.replies = [(503, {}), (500, {})]
    add_alias(version=link_new(member, registry), name="staging", actor=member)
    run_worker()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 1)
    run_worker()  # nothing is due yet: the retry waits for its backoff
    assert len(receiver.requests) == 1
    for _ in range(2):
        advance_clock(3600)
        run_worker()
    assert len(receiver.requests) == 3
    assert len(receiver.unique_ids) == 1  # one message, three attempts
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    outcomes = list(delivery.attempt_log.order_by("id").values_list("outcome", "status_code"))
    assert outcomes == [("retry", 503), ("retry", 500), ("success", 200)]


def test_a_429_waits_for_retry_after(registry, member, receiver, make_automation):
    make_automation(name="deploy")
    receiver.replies = [(429, {"Retry-After": "120"})]
    add_alias(version=link_new(member, registry), name="staging", actor=member)
    run_worker()
    delivery = Delivery.objects.get()
    attempt = delivery.attempt_log.get()
    wait = (delivery.next_attempt_at - attempt.started_at).total_seconds()
    assert 120 <= wait < 130
    advance_clock(60)
    run_worker()
    assert len(receiver.requests) == 1
    advance_clock(70)
    run_worker()
    assert len(receiver.requests) == 2
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED


def test_it_gives_up_after_the_configured_attempts(
    settings, registry, member, receiver, make_automation
):
    settings.REGISTRY_WEBHOOK_MAX_ATTEMPTS = 2
    make_automation(name="deploy")
    receiver.replies = [(500, {})] * 5
    add_alias(version=link_new(member, registry), name="staging", actor=member)
    for _ in range(4):
        run_worker()
        advance_clock(24 * 3600)
    assert len(receiver.requests) == 2
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempt_log.first().error == "HTTP 500. Gave up after 2 attempts."


def test_a_receiver_down_for_a_while_gets_the_delivery_when_back(
    registry, member, admin, make_automation
):
    from pytest_httpserver import HTTPServer

    from registry.services import automation_settings
    from tests.automations.conftest import Receiver

    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    port = server.port
    server.stop()  # the port is free again: connections are refused
    endpoint = automation_settings.create_endpoint(
        registry=registry, name="later", url=f"http://127.0.0.1:{port}/hook", actor=admin
    )
    make_automation(name="deploy", endpoint=endpoint)
    add_alias(version=link_new(member, registry), name="staging", actor=member)
    run_worker()
    advance_clock(3600)
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.attempt_log.count() == 2
    assert delivery.attempt_log.first().error.startswith("Network error: ConnectError")

    server = HTTPServer(host="127.0.0.1", port=port)
    receiver = Receiver(server)
    server.start()
    try:
        advance_clock(3600)
        run_worker()
    finally:
        server.stop()
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED


def test_a_worker_killed_mid_delivery_is_retried_and_delivered_once(
    registry, member, receiver, make_automation
):
    make_automation(name="deploy")
    add_alias(version=link_new(member, registry), name="staging", actor=member)
    delivery = Delivery.objects.get()
    # A worker claims the delivery, sends it, and dies before recording the outcome.
    claimed = outbox.claim(delivery.pk, worker="doomed")
    url, body, headers = outbox.build_request(claimed)
    outbox.http.post_json(url, body, headers)
    run_worker()  # its queued task finds the delivery claimed: a live lease is respected
    assert Delivery.objects.get().status == Delivery.Status.SENDING
    assert len(receiver.requests) == 1

    advance_clock(outbox.lease().total_seconds() + 1)  # the dead worker's lease runs out
    call_command("registry_sweep")  # the periodic sweep claims it again

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert len(receiver.requests) == 2  # at least once on the wire…
    assert len(receiver.unique_ids) == 1  # …exactly once for a receiver deduping on the id
    # Both attempts are in the log: the interrupted one too, naming the worker that died.
    interrupted, delivered = delivery.attempt_log.order_by("number")
    assert (interrupted.number, interrupted.outcome) == (1, DeliveryAttempt.Outcome.RETRY)
    assert interrupted.error.startswith("Interrupted: worker doomed started this attempt")
    assert (delivered.number, delivered.outcome) == (2, DeliveryAttempt.Outcome.SUCCESS)


def test_two_workers_never_claim_the_same_attempt(registry, member, make_automation):
    make_automation(name="deploy")
    add_alias(version=link_new(member, registry), name="staging", actor=member)
    delivery = Delivery.objects.get()
    assert outbox.claim(delivery.pk, worker="a") is not None
    assert outbox.claim(delivery.pk, worker="b") is None
    assert outbox.claim_next(worker="b") is None
    assert Delivery.objects.get().claimed_by == "a"


def test_slack_gets_a_message_naming_alias_version_collection_and_author(
    registry, admin, member, slack_receiver, make_automation
):
    from registry.services.automation_settings import create_slack

    slack = create_slack(
        registry=registry, channel="#deployments", url=slack_receiver.url, actor=admin
    )
    make_automation(name="tell", action="slack", slack=slack)
    add_alias(version=link_new(member, registry, "zoo"), name="staging", actor=member)
    run_worker()
    assert len(slack_receiver.requests) == 1
    text = slack_receiver.json()["text"]
    assert text == (
        "*member* added alias `staging` to "
        "<http://127.0.0.1:8000/registries/Model/zoo/v0/|zoo:v0> in registry *Model*."
    )
    assert "Authorization" not in slack_receiver.requests[0]["headers"]
    assert Delivery.objects.get().status == Delivery.Status.SUCCEEDED
    assert DeliveryAttempt.objects.count() == 1


def test_concurrent_workers_claim_each_delivery_exactly_once(
    is_postgres, registry, member, make_automation
):
    if not is_postgres:
        pytest.skip("threads need separate database connections: PostgreSQL only")
    import threading

    from django.db import connection

    for n in range(4):
        make_automation(name=f"fan-{n}")
    version = link_new(member, registry)
    for n in range(10):
        add_alias(version=version, name=f"a{n}", actor=member)
    claimed: dict[str, list[int]] = {"w1": [], "w2": [], "w3": []}
    start = threading.Barrier(3)

    def work(worker: str) -> None:
        try:
            start.wait()
            while (delivery := outbox.claim_next(worker=worker)) is not None:
                claimed[worker].append(delivery.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(w,)) for w in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [pk for pks in claimed.values() for pk in pks]
    assert len(everything) == 40
    assert sorted(everything) == sorted(Delivery.objects.values_list("pk", flat=True))


def test_a_webhook_and_a_slack_channel_both_hear_of_one_alias_add(
    registry, admin, member, receiver, slack_receiver, make_automation
):
    from registry.services.automation_settings import create_slack

    slack = create_slack(
        registry=registry, channel="#deployments", url=slack_receiver.url, actor=admin
    )
    make_automation(name="tell", action="slack", slack=slack)
    make_automation(name="deploy")
    add_alias(version=link_new(member, registry, "zoo"), name="staging", actor=member)
    run_worker()
    assert (len(receiver.requests), len(slack_receiver.requests)) == (1, 1)
    assert "`staging`" in slack_receiver.json()["text"]
    assert receiver.json()["alias"] == "staging"
    assert [d.attempt_log.count() for d in Delivery.objects.all()] == [1, 1]


def test_a_worker_process_killed_mid_request_leaves_the_delivery_to_be_retried(
    is_postgres, httpserver, registry, member, make_automation
):
    """A real `db_worker` process is SIGKILLed while the receiver holds its request."""
    if not is_postgres:
        pytest.skip("a worker subprocess cannot share SQLite's in-memory test database")
    import os
    import signal
    import subprocess
    import sys
    import threading
    from pathlib import Path

    from django.db import connection
    from werkzeug import Response

    arrived, release = threading.Event(), threading.Event()
    seen = []

    def slow_then_ok(request):
        seen.append(request.headers.get("Webhook-Id"))
        if len(seen) == 1:
            arrived.set()
            release.wait(30)  # the first worker dies while we hold its request
        return Response("ok")

    httpserver.clear()  # replace the fixture's plain receiver on /hook with the slow one
    httpserver.expect_request("/hook", method="POST").respond_with_handler(slow_then_ok)
    make_automation(name="deploy")
    add_alias(version=link_new(member, registry), name="staging", actor=member)

    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "registry_site.test_settings",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
    }
    root = Path(__file__).resolve().parents[2]
    worker = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.2",
        ],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert arrived.wait(60), "the worker never sent the delivery"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
        release.set()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.SENDING  # claimed by a worker that no longer exists

    advance_clock(outbox.lease().total_seconds() + 1)
    call_command("registry_sweep")  # the periodic sweep sends what the dead worker held
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert len(seen) == 2 and len(set(seen)) == 1  # same webhook-id: a receiver dedupes
