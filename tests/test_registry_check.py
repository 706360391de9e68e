"""`manage.py registry_check`: finds broken promises, exits 1, repairs the safe ones."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registry.models import Alias, Collection, Delivery, DeliveryAttempt
from registry.services.aliases import add_alias
from registry.storage import blob_name
from registry.webhooks import outbox
from tests.factories import link_new

pytestmark = pytest.mark.django_db


def check(*args) -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("registry_check", *args, stdout=out, stderr=err)
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    return status, out.getvalue() + err.getvalue()


@pytest.fixture
def zoo(registry, member):
    return [link_new(member, registry, "zoo") for _ in range(2)]


def stored_name(version) -> str:
    return blob_name(version.source.files.get().blob_id)


def test_a_sound_registry_passes(zoo):
    status, output = check()
    assert status == 0, output
    assert "Checked 2 blobs, 1 collections" in output
    assert "OK: no problems found." in output


def test_it_reports_a_blob_missing_from_storage(zoo):
    default_storage.delete(stored_name(zoo[0]))
    status, output = check()
    assert status == 1
    sha = zoo[0].source.files.get().blob_id
    assert f"PROBLEM blobs: blob {sha} is missing from storage" in output
    assert f"PUT /api/v1/blobs/{sha}" in output
    assert "1 problem(s) found." in output


def test_it_reports_a_wrong_size_and_with_deep_a_wrong_hash(zoo):
    name = stored_name(zoo[0])
    size = default_storage.size(name)
    default_storage.delete(name)
    default_storage.save(name, ContentFile(b"x" * size))  # same size, other bytes
    assert check()[0] == 0  # the quick check compares sizes only
    status, output = check("--deep")
    assert status == 1 and "hashes to" in output
    default_storage.delete(name)
    default_storage.save(name, ContentFile(b"short"))
    status, output = check()
    assert status == 1 and "is 5 bytes in storage" in output


def test_it_finds_and_fixes_an_index_that_would_reuse_a_vn(zoo):
    Collection.objects.update(next_index=1)
    status, output = check()
    assert status == 1
    assert "Model/zoo: the next version would be v1, but v1 exists" in output
    assert "(--fix repairs this)" in output
    status, output = check("--fix")
    assert status == 0, output
    assert "FIXED versions" in output and "next version index set to 2" in output
    assert Collection.objects.get().next_index == 2
    assert check()[0] == 0


def test_it_reports_an_alias_pointing_into_another_collection(registry, member, zoo):
    other = link_new(member, registry, "other")
    add_alias(version=zoo[0], name="production", actor=member)
    Alias.objects.filter(name="production").update(version=other)
    status, output = check("--fix")  # not something to repair blindly
    assert status == 1
    assert "alias 'production' of Model/zoo points at v0 of another collection ('other')" in output


def test_it_finds_and_fixes_a_delivery_stuck_with_a_dead_worker(
    registry, admin, member, zoo, make_automation_for_check
):
    make_automation_for_check()
    add_alias(version=zoo[1], name="staging", actor=member)
    delivery = Delivery.objects.get()
    assert outbox.claim(delivery.pk, worker="dead") is not None
    Delivery.objects.update(claimed_at=timezone.now() - outbox.lease() * 2)
    DBTaskResult.objects.all().delete()
    status, output = check()
    assert status == 1
    assert "1 deliveries are claimed by workers whose lease ran out" in output
    status, output = check("--fix")
    assert status == 0, output
    # The lost attempt is logged and the delivery sent again at once; the receiver here
    # refuses connections, so a retry is queued.
    interrupted, again = DeliveryAttempt.objects.order_by("id")
    assert interrupted.error.startswith("Interrupted: worker dead")
    assert again.outcome == DeliveryAttempt.Outcome.RETRY
    assert Delivery.objects.get().status == Delivery.Status.PENDING
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    assert check()[0] == 0


@pytest.fixture
def make_automation_for_check(registry, admin):
    from registry.services import automation_settings

    def make():
        endpoint = automation_settings.create_endpoint(
            registry=registry, name="ci", url="http://127.0.0.1:9/hook", actor=admin
        )
        return automation_settings.create_automation(
            registry=registry,
            actor=admin,
            name="deploy",
            event="ADD_ARTIFACT_ALIAS",
            action="webhook",
            endpoint=endpoint,
        )

    return make


def test_it_reports_and_records_a_version_without_its_link_record(zoo):
    from registry.models import LinkRecord

    first = zoo[0]
    LinkRecord.objects.filter(index=0).delete()
    LinkRecord.objects.filter(index=1).update(unlinked_at=timezone.now())
    status, output = check()
    assert status == 1
    assert (
        "PROBLEM history: 2 linked versions have no open link record (written without the "
        "linking service?), so 'latest' and vN at a past moment leave them out. "
        "(--fix repairs this)" in output
    )
    status, output = check("--fix")
    assert status == 0, output
    assert "1 link records created, 1 reopened" in output
    record = LinkRecord.objects.get(index=0)
    assert (record.linked_at, record.source_id, record.unlinked_at) == (
        first.linked_at,
        first.source_id,
        None,
    )
    assert check()[0] == 0
