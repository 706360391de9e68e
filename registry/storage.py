"""Content-addressed blob storage on Django's storage API (local disk or S3)."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from registry.errors import Invalid
from registry.models import Blob

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1024 * 1024
DIGEST_INVALID = "'{digest}' is not a sha256 digest: 64 lowercase hexadecimal characters."
DIGEST_MISMATCH = (
    "The uploaded bytes hash to {actual}, not {expected}; nothing was stored. "
    "Upload the file whose sha256 is the digest in the URL."
)
SIZE_MISMATCH = "The upload is {actual} bytes but the manifest says {expected}; nothing was stored."


def check_digest(digest: str) -> str:
    if not SHA256_RE.match(digest or ""):
        raise Invalid(DIGEST_INVALID.format(digest=digest))
    return digest


def blob_name(sha256: str) -> str:
    return f"blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def missing_digests(digests: Iterable[str]) -> list[str]:
    wanted = sorted(set(digests))
    have: set[str] = set()
    for i in range(0, len(wanted), 500):
        have.update(
            Blob.objects.filter(sha256__in=wanted[i : i + 500]).values_list("sha256", flat=True)
        )
    return [d for d in wanted if d not in have]


UPLOAD_PREFIX = "upload-"


def upload_tmp_dir() -> Path:
    """Where uploads are spooled before their digest is checked: a folder of their own, so
    `registry_sweep` can remove what a killed process left without touching anything else."""
    folder = Path(settings.REGISTRY_UPLOAD_TMP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_blob(
    chunks: Iterable[bytes], expected_sha256: str, expected_size: int | None = None
) -> Blob:
    """Stream `chunks` to storage, verifying the digest. Never holds the whole file.

    The bytes go to a temporary file first; only when the hash matches are they saved
    under their digest and the Blob row written. A mismatch leaves nothing behind.
    """
    check_digest(expected_sha256)
    existing = Blob.objects.filter(sha256=expected_sha256).first()
    hasher = hashlib.sha256()
    size = 0
    with tempfile.NamedTemporaryFile(
        prefix=UPLOAD_PREFIX, dir=upload_tmp_dir(), delete=True
    ) as tmp:
        for chunk in chunks:
            if chunk:
                hasher.update(chunk)
                tmp.write(chunk)
                size += len(chunk)
        actual = hasher.hexdigest()
        if actual != expected_sha256:
            raise Invalid(DIGEST_MISMATCH.format(actual=actual, expected=expected_sha256))
        if expected_size is not None and size != expected_size:
            raise Invalid(SIZE_MISMATCH.format(actual=size, expected=expected_size))
        name = blob_name(expected_sha256)
        if not default_storage.exists(name):  # also restores a file lost from disk
            tmp.flush()
            tmp.seek(0)
            saved = default_storage.save(name, File(tmp, name=os.path.basename(name)))
            if saved != name:
                # A concurrent upload of the same content won the name; the storage
                # saved ours under another one. Same bytes: keep theirs only.
                default_storage.delete(saved)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Blob.objects.create(sha256=expected_sha256, size=size)
    except IntegrityError:
        return Blob.objects.get(sha256=expected_sha256)


def store_bytes(data: bytes) -> Blob:
    return store_blob([data], hashlib.sha256(data).hexdigest())


def open_blob(blob: Blob):
    return default_storage.open(blob_name(blob.sha256), "rb")


def iter_blob(blob: Blob, chunk_size: int = CHUNK) -> Iterator[bytes]:
    """The blob's bytes in chunks, never all in memory (and on S3, never a local copy)."""
    s3_object = _s3_object(blob_name(blob.sha256))
    if s3_object is not None:
        body = s3_object.get()["Body"]
        try:
            yield from body.iter_chunks(chunk_size)
        finally:
            body.close()
        return
    with open_blob(blob) as handle:
        while chunk := handle.read(chunk_size):
            yield chunk


def _s3_object(name: str):
    """The S3 object behind `name` when blobs live on S3, else None.

    django-storages' S3File copies a whole object to a temporary file on first read;
    reading the object's body directly streams it as it arrives.
    """
    bucket = getattr(default_storage, "bucket", None)
    if bucket is None:
        return None
    from storages.utils import clean_name  # django-storages: imported only when on S3

    return bucket.Object(default_storage._normalize_name(clean_name(name)))
