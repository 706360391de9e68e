"""The SDK end to end against live_server: dedup, downloads, aliases, refusals."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import registry_sdk as wandb

from registry.models import ArtifactVersion, Blob, RunArtifact
from registry.services.registries import create_protected_alias
from registry.storage import blob_name
from tests.sdk.conftest import live


def make_files(root: Path) -> dict[str, bytes]:
    files = {"model.pt": b"weights" * 1000, "conf/params.json": b'{"lr": 0.1}'}
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return files


def log_dir(run, root: Path, name: str = "zoo_model") -> wandb.Artifact:
    art = wandb.Artifact(name, type="model", metadata={"acc": 0.93})
    art.add_dir(str(root))
    return run.log_artifact(art)


@live
def test_a_second_log_of_the_same_files_uploads_nothing(sdk_as, member, tmp_path):
    sdk_as(member)
    make_files(tmp_path / "out")
    with wandb.init(entity="member", project="zoo") as run:
        first = log_dir(run, tmp_path / "out")
        second = log_dir(run, tmp_path / "out")
    assert first.uploaded_bytes == 7000 + 11
    assert second.uploaded_bytes == 0
    assert first.source == second.source
    assert ArtifactVersion.objects.count() == 1
    assert run.state == "finished"


@live
def test_download_round_trips_files_with_their_hashes(sdk_as, member, registry, tmp_path):
    sdk_as(member)
    files = make_files(tmp_path / "out")
    with wandb.init(entity="member", project="zoo") as run:
        art = wandb.Artifact("zoo_model", type="model", metadata={"acc": 0.93})
        art.add_dir(str(tmp_path / "out"), name="bundle")
        run.link_artifact(art, "wandb-registry-Model/zoo", aliases=["staging"])

    got = wandb.Api().artifact("wandb-registry-Model/zoo:staging")
    assert (got.version, got.metadata) == ("v0", {"acc": 0.93})
    root = Path(got.download(root=str(tmp_path / "dl")))
    for rel, data in files.items():
        downloaded = (root / "bundle" / rel).read_bytes()
        assert hashlib.sha256(downloaded).hexdigest() == hashlib.sha256(data).hexdigest()
    assert got.downloaded_files == 2
    got.download(root=str(root))
    assert got.downloaded_files == 0  # already present with the right hashes
    (root / "bundle" / "model.pt").write_bytes(b"tampered")
    got.download(root=str(root))
    assert got.downloaded_files == 1
    assert (root / "bundle" / "model.pt").read_bytes() == files["model.pt"]


@live
def test_alias_save_adds_and_removes_aliases_on_the_collection(sdk_as, member, registry, tmp_path):
    sdk_as(member)
    (tmp_path / "m.pt").write_bytes(b"m")
    with wandb.init(entity="member", project="zoo") as run:
        art = wandb.Artifact("m", type="model")
        art.add_file(str(tmp_path / "m.pt"))
        run.link_artifact(art, "wandb-registry-Model/zoo", aliases=["candidate"])

    a = wandb.Api().artifact("wandb-registry-Model/zoo:v0")
    assert a.aliases == ["candidate", "latest"]
    a.aliases.append("staging")
    a.aliases.remove("candidate")
    a.save()
    fresh = wandb.Api().artifact("wandb-registry-Model/zoo:latest")
    assert fresh.aliases == ["staging", "latest"]


@live
def test_a_member_adding_a_protected_alias_gets_the_server_message(
    sdk_as, member, admin, registry, tmp_path
):
    create_protected_alias(registry=registry, name="production", actor=admin)
    sdk_as(member)
    (tmp_path / "m.pt").write_bytes(b"m")
    with wandb.init(entity="member", project="zoo") as run:
        art = wandb.Artifact("m", type="model")
        art.add_file(str(tmp_path / "m.pt"))
        run.link_artifact(art, "wandb-registry-Model/zoo")
    a = wandb.Api().artifact("wandb-registry-Model/zoo:latest")
    a.aliases.append("production")
    with pytest.raises(wandb.PermissionDenied) as refused:
        a.save()
    # The server's refusal, then the way round it it offers: a promotion request.
    assert str(refused.value) == (
        "'production' is a protected alias in registry 'Model'; only registry admins can add it."
        " Request a promotion instead and a registry admin can approve it: POST "
        '.../versions/<ref>/promotions with {"alias": "production", "reason": ...}, or '
        'artifact.request_promotion("production", reason=...) in the SDK.'
    )
    assert refused.value.status == 403


@live
def test_use_artifact_records_lineage_and_accepts_an_org_prefix(sdk_as, member, registry, tmp_path):
    sdk_as(member)
    (tmp_path / "m.pt").write_bytes(b"m")
    with wandb.init(entity="member", project="zoo") as run:
        art = wandb.Artifact("m", type="model")
        art.add_file(str(tmp_path / "m.pt"))
        run.link_artifact(art, "acme/wandb-registry-Model/zoo", aliases=["production"])
    with wandb.init(entity="member", project="serve", job_type="deploy") as run:
        used = run.use_artifact("acme/wandb-registry-Model/zoo:production")
    assert used.version == "v0"
    assert RunArtifact.objects.filter(kind="used", run__run_id=run.id).count() == 1


@live
def test_a_corrupted_upload_is_refused_and_leaves_no_blob_or_version(
    sdk_as, member, tmp_path, settings
):
    sdk_as(member)
    good = tmp_path / "model.pt"
    good.write_bytes(b"the real weights")
    digest = hashlib.sha256(good.read_bytes()).hexdigest()
    bad = tmp_path / "corrupt.pt"
    bad.write_bytes(b"the REAL weights")  # same size, different bytes
    from registry_sdk import _state
    from registry_sdk.client import progress_bar

    with pytest.raises(wandb.ValidationError) as refused, progress_bar(16, "x") as bar:
        _state.client().upload(bad, digest, 16, bar)
    assert "nothing was stored" in str(refused.value)
    assert not Blob.objects.exists()
    assert not (settings.MEDIA_ROOT / blob_name(digest)).exists()
    with pytest.raises(wandb.ValidationError, match="have not been uploaded yet"):
        _state.client().post(
            "/entities/member/projects/zoo/artifacts",
            {"name": "m", "type": "model", "files": [{"path": "m", "sha256": digest, "size": 16}]},
        )
    assert not ArtifactVersion.objects.exists()


@live
def test_a_bad_key_is_refused_with_the_server_message(sdk_as, member, monkeypatch):
    sdk_as(member)
    monkeypatch.setenv("REGISTRY_API_KEY", "reg_wrong")
    with pytest.raises(wandb.AuthenticationError, match="has expired or has been revoked"):
        wandb.init(entity="member", project="zoo")


@live
def test_a_restricted_viewer_cannot_download(
    sdk_as, member, restricted_viewer, restricted, tmp_path
):
    sdk_as(member)
    (tmp_path / "m.pt").write_bytes(b"m")
    with wandb.init(entity="member", project="zoo") as run:
        art = wandb.Artifact("m", type="model")
        art.add_file(str(tmp_path / "m.pt"))
        run.link_artifact(art, "wandb-registry-Secret/zoo")
    sdk_as(restricted_viewer)
    got = wandb.Api().artifact("wandb-registry-Secret/zoo:latest")
    with pytest.raises(wandb.PermissionDenied, match="needs the Viewer role"):
        got.download(root=str(tmp_path / "dl"))


@live
def test_login_checks_and_saves_the_key(sdk_as, member, monkeypatch, live_server):
    raw = sdk_as(member)
    monkeypatch.delenv("REGISTRY_API_KEY")
    assert wandb.login(key=raw, host=live_server.url) is True
    from registry_sdk import config

    config.clear_override()
    assert config.current().api_key == raw
    assert oct(config.settings_path().stat().st_mode & 0o777) == "0o600"
    with pytest.raises(wandb.AuthenticationError):
        wandb.login(key="reg_nope")


def test_paths_accept_the_wandb_forms():
    from registry_sdk.paths import parse

    assert parse("wandb-registry-Model/zoo:v2") == parse("org/wandb-registry-Model/zoo:v2")
    assert parse("Model/zoo").ref is None
    with pytest.raises(wandb.UsageError, match="not an artifact path"):
        parse("zoo")
    with pytest.raises(wandb.UsageError, match="has no ':alias'"):
        parse("Model/zoo:prod", allow_ref=False)


@pytest.mark.parametrize(
    "path",
    [
        "../x",
        "a//b",
        "/etc/passwd",
        "C:\\Windows\\win.ini",
        "C:/x",
        "c:x",
        "\\\\srv\\s\\x",
        "a\\..\\..\\x",
    ],
)
def test_download_refuses_paths_that_leave_the_folder_on_any_os(tmp_path, path):
    from registry_sdk.artifact import _safe_join

    with pytest.raises(wandb.UsageError, match="outside the download directory"):
        _safe_join(tmp_path, path)
    assert _safe_join(tmp_path, "dir/model.bin") == tmp_path / "dir" / "model.bin"
