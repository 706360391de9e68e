"""The `registry` command line against live_server."""

from __future__ import annotations

import json
from pathlib import Path

from registry_sdk.cli import main

from registry.models import Alias
from registry.services.registries import create_protected_alias
from tests.sdk.conftest import live


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@live
def test_login_saves_a_working_key(sdk_as, member, monkeypatch, live_server, capsys):
    raw = sdk_as(member)
    monkeypatch.delenv("REGISTRY_API_KEY")
    code, out, _ = run_cli(capsys, "login", "--key", raw, "--host", live_server.url)
    assert code == 0
    assert "as member" in out


@live
def test_login_refuses_a_bad_key(sdk_as, member, capsys):
    sdk_as(member)
    code, _, err = run_cli(capsys, "login", "--key", "reg_bad")
    assert code == 1
    assert "has expired or has been revoked" in err


@live
def test_link_get_alias_and_download(sdk_as, member, registry, tmp_path, capsys):
    sdk_as(member)
    model = tmp_path / "model"
    model.mkdir()
    (model / "weights.bin").write_bytes(b"w" * 100)
    (model / "readme.txt").write_text("zoo")

    code, out, err = run_cli(
        capsys, "link", str(model), "Model/zoo", "--type", "model", "--alias", "candidate"
    )
    assert code == 0, err
    linked = json.loads(out)
    assert (linked["version"], linked["aliases"]) == ("v0", ["candidate", "latest"])

    code, out, _ = run_cli(capsys, "get", "Model/zoo:candidate")
    assert code == 0
    assert sorted(f["path"] for f in json.loads(out)["files"]) == ["readme.txt", "weights.bin"]

    assert run_cli(capsys, "alias", "add", "Model/zoo:v0", "staging")[0] == 0
    assert run_cli(capsys, "alias", "rm", "Model/zoo:v0", "candidate")[0] == 0
    assert list(Alias.objects.values_list("name", flat=True)) == ["staging"]

    code, out, _ = run_cli(capsys, "download", "Model/zoo:staging", "--root", str(tmp_path / "d"))
    assert code == 0
    assert Path(out.strip(), "weights.bin").read_bytes() == b"w" * 100


@live
def test_cli_refusals_print_the_server_message(sdk_as, member, admin, registry, capsys, tmp_path):
    create_protected_alias(registry=registry, name="production", actor=admin)
    sdk_as(member)
    (tmp_path / "m.pt").write_bytes(b"m")
    assert run_cli(capsys, "link", str(tmp_path / "m.pt"), "Model/zoo", "--type", "model")[0] == 0
    code, _, err = run_cli(capsys, "alias", "add", "Model/zoo:v0", "production")
    assert code == 1
    assert err.strip() == (
        "registry: error: 'production' is a protected alias in registry 'Model'; "
        "only registry admins can add it. Request a promotion instead and a registry admin can "
        "approve it: POST .../versions/<ref>/promotions with "
        '{"alias": "production", "reason": ...}, or '
        'artifact.request_promotion("production", reason=...) in the SDK.'
    )
    code, _, err = run_cli(capsys, "get", "Model/nope:latest")
    assert code == 1
    assert "Collection 'nope' does not exist in registry 'Model'" in err


@live
def test_cli_alias_add_of_a_derived_alias_prints_the_refusal(
    sdk_as, member, registry, capsys, tmp_path
):
    sdk_as(member)
    (tmp_path / "m.pt").write_bytes(b"m")
    assert run_cli(capsys, "link", str(tmp_path / "m.pt"), "Model/zoo", "--type", "model")[0] == 0
    code, out, err = run_cli(capsys, "alias", "add", "Model/zoo:v0", "latest")
    assert code == 1
    assert out == ""
    assert err.startswith("registry: error: ") and "latest" in err


def test_cli_link_of_a_missing_path_says_it_does_not_exist(capsys, tmp_path):
    missing = tmp_path / "nonexistent"
    code, _, err = run_cli(capsys, "link", f"{missing}/", "Model/zoo", "--type", "model")
    assert code == 1
    assert err.strip() == f"registry: error: Cannot link '{missing}/': it does not exist."
