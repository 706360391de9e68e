"""Checks that the database's promises hold (`manage.py registry_check`).

Each check yields `Finding`s; a finding with a `fix` can be repaired safely (the command
runs it with `--fix`); the others need a person and say what to do.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db.models import Count, Exists, F, Max, OuterRef
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registry import tasks
from registry.models import Alias, Blob, Collection, Delivery, LinkedVersion, LinkRecord
from registry.storage import blob_name, iter_blob
from registry.webhooks import outbox


@dataclass
class Finding:
    check: str
    problem: str
    fix: Callable[[], str] | None = None  # returns what it did


def blobs(*, deep: bool = False, counts: dict | None = None) -> Iterator[Finding]:
    """Every blob a file references is in storage with the recorded size (and hash)."""
    referenced = Blob.objects.filter(files__isnull=False).distinct().order_by("sha256")
    checked = 0
    for blob in referenced.iterator(chunk_size=500):
        checked += 1
        name = blob_name(blob.sha256)
        where = _used_by(blob)
        restore = f"upload the original bytes again (PUT /api/v1/blobs/{blob.sha256})"
        if not default_storage.exists(name):
            yield Finding(
                "blobs", f"blob {blob.sha256} is missing from storage ({where}); {restore}."
            )
            continue
        size = default_storage.size(name)
        if size != blob.size:
            yield Finding(
                "blobs",
                f"blob {blob.sha256} is {size} bytes in storage, {blob.size} in the database "
                f"({where}); remove the stored copy, then {restore}.",
            )
            continue
        if deep:
            digest = hashlib.sha256()
            for chunk in iter_blob(blob):
                digest.update(chunk)
            if digest.hexdigest() != blob.sha256:
                yield Finding(
                    "blobs",
                    f"blob {blob.sha256} in storage hashes to {digest.hexdigest()} ({where}); "
                    f"remove the stored copy, then {restore}.",
                )
    files_wrong = Blob.objects.filter(files__isnull=False).exclude(files__size=F("size"))
    for blob in files_wrong.distinct()[:100]:
        yield Finding(
            "blobs", f"files of blob {blob.sha256} record a size other than its {blob.size} bytes."
        )
    if counts is not None:
        counts["blobs"] = checked


def _used_by(blob: Blob) -> str:
    file = blob.files.select_related("version__artifact").first()
    if file is None:
        return "no file uses it"
    version = file.version
    return f"e.g. '{file.path}' of {version.artifact.name}:v{version.index}"


def versions(*, counts: dict | None = None) -> Iterator[Finding]:
    """`vN` never reused: each collection's next index is above every linked index, so
    `latest` (the highest) and every `vN` name one version."""
    collections = Collection.objects.annotate(top=Max("versions__index")).select_related("registry")
    checked = 0
    for collection in collections.iterator(chunk_size=500):
        checked += 1
        if collection.top is not None and collection.next_index <= collection.top:
            yield Finding(
                "versions",
                f"{collection.registry.name}/{collection.name}: the next version would be "
                f"v{collection.next_index}, but v{collection.top} exists (a vN would be reused).",
                fix=_raise_next_index(collection.pk, collection.top + 1),
            )
    if counts is not None:
        counts["collections"] = checked


def _raise_next_index(collection_id: int, value: int):
    def fix() -> str:
        Collection.objects.filter(pk=collection_id, next_index__lt=value).update(next_index=value)
        return f"next version index set to {value}"

    return fix


def aliases(*, counts: dict | None = None) -> Iterator[Finding]:
    """Every alias points at a version linked in its own collection."""
    stray = (
        Alias.objects.exclude(version__collection_id=F("collection_id"))
        .select_related("collection__registry", "version__collection")
        .order_by("pk")
    )
    for alias in stray[:1000]:
        yield Finding(
            "aliases",
            f"alias '{alias.name}' of {alias.collection.registry.name}/{alias.collection.name} "
            f"points at v{alias.version.index} of another collection "
            f"('{alias.version.collection.name}'); move it to a version of its own collection "
            "or remove it on the version page.",
        )
    if counts is not None:
        counts["aliases"] = Alias.objects.count()


def history(*, counts: dict | None = None) -> Iterator[Finding]:
    """Every linked version has an open link record: resolving `latest` or `vN` at a past
    moment reads only the records, so a version without one would be missing there."""
    open_record = LinkRecord.objects.filter(
        collection_id=OuterRef("collection_id"), index=OuterRef("index"), unlinked_at=None
    )
    missing = LinkedVersion.objects.exclude(Exists(open_record))
    n = missing.count()
    if n:
        yield Finding(
            "history",
            f"{n} linked versions have no open link record (written without the linking "
            "service?), so 'latest' and vN at a past moment leave them out.",
            fix=_record_links,
        )
    if counts is not None:
        counts["link records"] = LinkRecord.objects.count()


def _record_links() -> str:
    """Open a record from each version's own link time; a record closed by mistake (the
    version is linked) is reopened."""
    open_record = LinkRecord.objects.filter(
        collection_id=OuterRef("collection_id"), index=OuterRef("index"), unlinked_at=None
    )
    reopened = created = 0
    for version in LinkedVersion.objects.exclude(Exists(open_record)).iterator(chunk_size=500):
        updated = LinkRecord.objects.filter(
            collection_id=version.collection_id, index=version.index
        ).update(unlinked_at=None, unlinked_by=None)
        if updated:
            reopened += 1
            continue
        LinkRecord.objects.create(
            collection_id=version.collection_id,
            index=version.index,
            source_id=version.source_id,
            linked_at=version.linked_at,
            linked_by_id=version.linked_by_id,
        )
        created += 1
    return f"{created} link records created, {reopened} reopened"


def deliveries(*, counts: dict | None = None) -> Iterator[Finding]:
    """Every delivery is finished, or due to be sent by a worker: none stuck or forgotten."""
    now = timezone.now()
    stuck = Delivery.objects.filter(
        status=Delivery.Status.SENDING, claimed_at__lt=now - outbox.lease()
    )
    n_stuck = stuck.count()
    if n_stuck:
        yield Finding(
            "deliveries",
            f"{n_stuck} deliveries are claimed by workers whose lease ran out (killed mid-send).",
            fix=_resume_deliveries,
        )
    pending = Delivery.objects.filter(status=Delivery.Status.PENDING)
    if pending.exists() and not _sweep_queued():
        n = pending.count()
        yield Finding(
            "deliveries",
            f"{n} pending deliveries have no task queued to send them (is a db_worker running "
            "with the tasks?).",
            fix=_resume_deliveries,
        )
    if counts is not None:
        by_status = dict(Delivery.objects.values_list("status").annotate(n=Count("pk")).order_by())
        counts["deliveries"] = sum(by_status.values())


def _sweep_queued() -> bool:
    return DBTaskResult.objects.filter(
        task_path__in=[tasks.deliver.module_path],
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).exists()


def _resume_deliveries() -> str:
    logged = outbox.record_interrupted()
    sent = tasks.sweep()
    return f"{logged} interrupted attempts logged; {sent} due deliveries sent"


CHECKS = [blobs, versions, aliases, history, deliveries]
