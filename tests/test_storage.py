"""registry.storage: content-addressed blobs, verified while streaming."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.storage import default_storage

from registry.errors import Invalid
from registry.models import Blob
from registry.storage import (
    DIGEST_INVALID,
    DIGEST_MISMATCH,
    SIZE_MISMATCH,
    blob_name,
    check_digest,
    iter_blob,
    missing_digests,
    store_blob,
    store_bytes,
)
from tests.services.conftest import exactly

DATA = b"weights " * 1000
DIGEST = hashlib.sha256(DATA).hexdigest()


def stored_files(settings):
    return sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())


def test_it_streams_chunks_to_a_file_named_by_the_digest(db, settings):
    blob = store_blob((DATA[i : i + 100] for i in range(0, len(DATA), 100)), DIGEST, len(DATA))
    assert (blob.sha256, blob.size) == (DIGEST, len(DATA))
    assert blob_name(DIGEST) == f"blobs/{DIGEST[:2]}/{DIGEST[2:4]}/{DIGEST}"
    assert default_storage.exists(blob_name(DIGEST))
    assert b"".join(iter_blob(blob, chunk_size=333)) == DATA


def test_it_stores_identical_content_once(db, settings):
    first = store_bytes(DATA)
    second = store_bytes(DATA)
    assert first.pk == second.pk
    assert Blob.objects.count() == 1
    assert stored_files(settings) == [DIGEST]


def test_it_refuses_a_digest_mismatch_and_leaves_nothing_behind(db, settings):
    wrong = "0" * 64
    message = DIGEST_MISMATCH.format(actual=DIGEST, expected=wrong)
    with pytest.raises(Invalid, match=exactly(message)):
        store_blob([DATA], wrong)
    assert not Blob.objects.exists()
    assert stored_files(settings) == []


def test_it_refuses_a_size_mismatch_and_leaves_nothing_behind(db, settings):
    message = SIZE_MISMATCH.format(actual=len(DATA), expected=5)
    with pytest.raises(Invalid, match=exactly(message)):
        store_blob([DATA], DIGEST, 5)
    assert not Blob.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize("digest", ["", "abc", DIGEST.upper(), DIGEST + "0", "../" + DIGEST[3:]])
def test_it_refuses_anything_but_a_lowercase_sha256(digest):
    with pytest.raises(Invalid, match=exactly(DIGEST_INVALID.format(digest=digest))):
        check_digest(digest)


def test_it_lists_the_digests_it_lacks_in_order(db):
    store_bytes(DATA)
    others = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(3)]
    assert missing_digests([*others, DIGEST, others[0]]) == sorted(others)


def test_it_restores_the_file_of_a_known_blob_lost_from_disk(db, settings):
    blob = store_bytes(DATA)
    default_storage.delete(blob_name(DIGEST))
    assert store_bytes(DATA).pk == blob.pk
    assert b"".join(iter_blob(blob)) == DATA


def test_it_keeps_one_file_when_the_name_was_taken_meanwhile(db, settings, monkeypatch):
    store_bytes(DATA)
    Blob.objects.all().delete()
    # As if another upload saved the same file between our check and our save.
    real_exists, asked = default_storage.exists, []

    def exists_once_false(name):
        asked.append(name)
        return False if len(asked) == 1 else real_exists(name)

    monkeypatch.setattr(default_storage, "exists", exists_once_false)
    blob = store_bytes(DATA)
    monkeypatch.undo()
    assert blob.sha256 == DIGEST
    assert stored_files(settings) == [DIGEST]
