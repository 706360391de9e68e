"""Blobs on S3-compatible object storage, configured as an operator would (REGISTRY_STORAGE=s3).

S3 is a service off the machine in production; here moto's server stands in for it: a
real HTTP server on 127.0.0.1 speaking the S3 protocol, reached by boto3 over the socket
exactly as AWS or MinIO would be. Nothing in the registry's code is mocked.
"""

from __future__ import annotations

import hashlib
import uuid

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from moto.server import ThreadedMotoServer

from registry.errors import Invalid
from registry.models import Blob
from registry.services.linking import link_version
from registry.storage import blob_name, iter_blob, store_blob, store_bytes
from tests.api.conftest import client_for
from tests.factories import make_source
from tests.test_settings_env import GOOD_KEY, load_settings

pytestmark = pytest.mark.django_db
PREFIX = "registry-blobs"


@pytest.fixture(scope="module")
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings, monkeypatch, tmp_path):
    """A fresh bucket, and Django's storage set up from the environment as in production."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-access-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret-key")
    name = f"blobs-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
    client.create_bucket(Bucket=name)
    loaded = load_settings(
        monkeypatch,
        tmp_path,
        SECRET_KEY=GOOD_KEY,
        REGISTRY_STORAGE="s3",
        REGISTRY_S3_BUCKET=name,
        REGISTRY_S3_ENDPOINT_URL=s3_server,
        REGISTRY_S3_REGION="us-east-1",
        REGISTRY_S3_PREFIX=PREFIX,
    )
    settings.STORAGES = loaded["STORAGES"]
    settings.MEDIA_ROOT = tmp_path / "media-must-stay-empty"

    def keys() -> list[str]:
        listed = client.list_objects_v2(Bucket=name)
        return sorted(o["Key"] for o in listed.get("Contents", []))

    def read(key: str) -> bytes:
        return client.get_object(Bucket=name, Key=key)["Body"].read()

    yield type("Bucket", (), {"name": name, "keys": staticmethod(keys), "read": staticmethod(read)})
    assert not settings.MEDIA_ROOT.exists(), "blobs must not touch the local disk"


def test_a_blob_is_stored_under_its_digest_in_the_bucket(bucket):
    data = b"weights " * 200_000  # 1.6 MB: more than one chunk each way
    digest = hashlib.sha256(data).hexdigest()
    chunks = (data[i : i + 65536] for i in range(0, len(data), 65536))
    blob = store_blob(chunks, digest, len(data))
    assert bucket.keys() == [f"{PREFIX}/{blob_name(digest)}"]
    assert bucket.read(f"{PREFIX}/{blob_name(digest)}") == data
    streamed = list(iter_blob(blob, chunk_size=300_000))
    assert len(streamed) > 1 and b"".join(streamed) == data


def test_the_same_content_is_stored_once(bucket):
    first = store_bytes(b"same bytes")
    second = store_bytes(b"same bytes")
    assert first.pk == second.pk
    assert len(bucket.keys()) == 1


def test_a_corrupted_upload_leaves_nothing_in_the_bucket(bucket):
    digest = hashlib.sha256(b"expected").hexdigest()
    with pytest.raises(Invalid):
        store_blob([b"something else"], digest)
    assert bucket.keys() == []
    assert not Blob.objects.filter(sha256=digest).exists()


def test_the_api_downloads_a_file_from_the_bucket(bucket, viewer, registry, member):
    source = make_source(member, content=b"model bytes on s3")
    link_version(registry=registry, collection_name="zoo", source=source, actor=member)
    url = "/api/v1/registries/Model/collections/zoo/versions/v0/files/weights.bin"
    response = client_for(viewer).get(url)
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(b"model bytes on s3"))
    assert b"".join(response.streaming_content) == b"model bytes on s3"


def test_s3_storage_needs_a_bucket(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="^REGISTRY_STORAGE=s3 needs REGISTRY_S3_BUCKET"):
        load_settings(monkeypatch, tmp_path, SECRET_KEY=GOOD_KEY, REGISTRY_STORAGE="s3")


def test_an_unknown_storage_backend_is_refused(monkeypatch, tmp_path):
    message = "^REGISTRY_STORAGE='ftp' is not a storage backend; use one of local, s3.$"
    with pytest.raises(ImproperlyConfigured, match=message):
        load_settings(monkeypatch, tmp_path, SECRET_KEY=GOOD_KEY, REGISTRY_STORAGE="ftp")
