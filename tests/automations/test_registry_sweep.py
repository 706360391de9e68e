"""`manage.py registry_sweep`: what a killed worker or web node left behind is cleaned up."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registry import maintenance, tasks
from registry.models import Delivery, DeliveryAttempt
from registry.services.aliases import add_alias
from registry.storage import upload_tmp_dir
from registry.webhooks import outbox
from tests.automations.conftest import advance_clock
from tests.factories import link_new

pytestmark = pytest.mark.django_db(transaction=True)


def sweep() -> str:
    out = StringIO()
    call_command("registry_sweep", stdout=out)
    return out.getvalue()


def test_it_logs_the_attempt_of_a_worker_that_died_and_the_delivery_goes_out(
    registry, member, receiver, make_automation
):
    make_automation(name="deploy")
    add_alias(version=link_new(member, registry), name="staging", actor=member)
    delivery = Delivery.objects.get()
    assert outbox.claim(delivery.pk, worker="doomed") is not None
    assert "interrupted delivery attempts logged: 0" in sweep()  # its lease still holds
    assert not DeliveryAttempt.objects.exists()

    advance_clock(outbox.lease().total_seconds() + 1)
    swept = sweep()  # logs the lost attempt, then sends the delivery again
    assert "interrupted delivery attempts logged: 1" in swept
    assert "due deliveries sent: 1" in swept
    interrupted, sent = DeliveryAttempt.objects.order_by("id")
    assert interrupted.outcome == DeliveryAttempt.Outcome.RETRY and interrupted.number == 1
    assert "worker doomed" in interrupted.error
    assert sent.outcome == DeliveryAttempt.Outcome.SUCCESS
    assert Delivery.objects.get().status == Delivery.Status.SUCCEEDED
    assert len(receiver.requests) == 1
    assert "interrupted delivery attempts logged: 0" in sweep()  # logged once


def test_it_fails_task_rows_a_killed_worker_left_running(registry, member, make_automation):
    make_automation(name="deploy")
    add_alias(version=link_new(member, registry), name="staging", actor=member)
    add_alias(version=link_new(member, registry), name="prod", actor=member)
    first, second = Delivery.objects.order_by("pk")
    Delivery.objects.filter(pk=first.pk).update(status=Delivery.Status.SUCCEEDED)
    DBTaskResult.objects.all().delete()
    long_ago = timezone.now() - timedelta(hours=2)
    for delivery in (first, second):
        result = tasks.deliver.enqueue([delivery.pk])
        DBTaskResult.objects.filter(pk=result.id).update(
            status=TaskResultStatus.RUNNING, started_at=long_ago, worker_ids=["w-killed"]
        )
    recent = tasks.deliver.enqueue([second.pk])
    DBTaskResult.objects.filter(pk=recent.id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now(), worker_ids=["w-alive"]
    )

    assert "stale task rows finished: 1, failed: 1" in sweep()
    delivers = DBTaskResult.objects.filter(task_path=tasks.deliver.module_path)
    rows = {row.args_kwargs["args"][0][0]: row for row in delivers.exclude(pk=recent.id)}
    assert rows[first.pk].status == TaskResultStatus.SUCCESSFUL
    assert rows[second.pk].status == TaskResultStatus.FAILED
    assert rows[second.pk].exception_class_path == maintenance.WORKER_LOST
    assert "w-killed" in rows[second.pk].traceback
    assert DBTaskResult.objects.get(pk=recent.id).status == TaskResultStatus.RUNNING


def test_it_removes_only_stale_temporary_uploads(settings, tmp_path):
    settings.REGISTRY_UPLOAD_TMP_DIR = tmp_path / "uploads"
    folder = upload_tmp_dir()
    stale, fresh, other = folder / "upload-abc", folder / "upload-def", folder / "keep.txt"
    for path in (stale, fresh, other):
        path.write_bytes(b"partial")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    os.utime(other, (two_hours_ago, two_hours_ago))
    assert "stale temporary uploads removed: 1" in sweep()
    assert not stale.exists() and fresh.exists() and other.exists()


def test_uploads_are_spooled_in_the_sweepable_folder(settings, tmp_path, monkeypatch):
    import tempfile

    settings.REGISTRY_UPLOAD_TMP_DIR = tmp_path / "uploads"
    seen = []
    real = tempfile.NamedTemporaryFile

    def spy(*args, **kwargs):
        handle = real(*args, **kwargs)
        seen.append(handle.name)
        return handle

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", spy)
    from registry.storage import store_bytes

    store_bytes(b"hello")
    assert seen and os.path.dirname(seen[0]) == str(tmp_path / "uploads")
    assert os.path.basename(seen[0]).startswith("upload-")
