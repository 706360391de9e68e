"""MLflow's real client (`mlflow-skinny`) against the live server: aliases, reads, downloads."""

from __future__ import annotations

import pytest
from mlflow.exceptions import MlflowException
from requests import HTTPError

from registry.models import Alias
from tests.mlflow.conftest import alias_events, link_files, live

pytestmark = live


def test_it_gets_the_version_an_alias_points_at(zoo, viewer, mlflow_as):
    client = mlflow_as(viewer)
    version = client.get_model_version_by_alias("Model.zoo", "production")
    assert version.name == "Model.zoo"
    assert version.version == "1"  # our v0
    assert version.aliases == ["production"]
    assert version.tags["registry.version"] == "v0"


def test_it_maps_a_bare_name_to_the_default_registry(zoo, viewer, mlflow_as):
    client = mlflow_as(viewer)
    assert client.get_model_version_by_alias("zoo", "candidate").version == "2"


def test_it_moves_an_alias_with_history_through_our_service(zoo, member, mlflow_as):
    client = mlflow_as(member)
    client.set_registered_model_alias("Model.zoo", "candidate", "1")
    assert client.get_model_version_by_alias("Model.zoo", "candidate").version == "1"
    assert alias_events("zoo")[-1] == ("candidate", "move", 1, 0)


def test_it_adds_and_deletes_an_alias(zoo, member, mlflow_as):
    client = mlflow_as(member)
    client.set_registered_model_alias("Model.zoo", "staging", "2")
    assert Alias.objects.get(name="staging").version.index == 1
    client.delete_registered_model_alias("Model.zoo", "staging")
    assert not Alias.objects.filter(name="staging").exists()
    assert [e[:2] for e in alias_events("zoo")[-2:]] == [("staging", "add"), ("staging", "remove")]


def test_it_refuses_a_member_moving_a_protected_alias_and_nothing_moves(zoo, member, mlflow_as):
    client = mlflow_as(member)
    before = alias_events("zoo")
    with pytest.raises(MlflowException) as refused:
        client.set_registered_model_alias("Model.zoo", "production", "2")
    assert refused.value.error_code == "PERMISSION_DENIED"
    assert (
        "'production' is a protected alias in registry 'Model'; only registry admins can move it"
        in str(refused.value)
    )
    assert Alias.objects.get(name="production").version.index == 0
    assert alias_events("zoo") == before


def test_it_refuses_a_member_deleting_a_protected_alias(zoo, member, mlflow_as):
    client = mlflow_as(member)
    with pytest.raises(MlflowException, match="only registry admins can remove it"):
        client.delete_registered_model_alias("Model.zoo", "production")
    assert Alias.objects.filter(name="production").exists()


def test_it_lets_an_admin_move_a_protected_alias(zoo, admin, mlflow_as):
    client = mlflow_as(admin)
    client.set_registered_model_alias("Model.zoo", "production", "2")
    assert client.get_model_version_by_alias("Model.zoo", "production").version == "2"


def test_it_refuses_a_viewer_any_alias_change(zoo, viewer, mlflow_as):
    client = mlflow_as(viewer)
    with pytest.raises(MlflowException, match="needs the Member role or higher") as refused:
        client.set_registered_model_alias("Model.zoo", "staging", "1")
    assert refused.value.error_code == "PERMISSION_DENIED"
    assert not Alias.objects.filter(name="staging").exists()


def test_it_gets_a_registered_model_with_aliases_and_latest(zoo, viewer, mlflow_as):
    model = mlflow_as(viewer).get_registered_model("Model.zoo")
    assert model.name == "Model.zoo"
    assert model.aliases == {"candidate": "2", "production": "1"}
    assert [v.version for v in model.latest_versions] == ["2"]


def test_it_hides_a_restricted_registry_from_a_stranger(restricted, admin, stranger, mlflow_as):
    link_files(admin, restricted, "vault", {"MLmodel": b"x"}, aliases=["production"])
    client = mlflow_as(stranger)
    with pytest.raises(MlflowException) as hidden:
        client.get_model_version_by_alias("Secret.vault", "production")
    assert hidden.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert "Registry 'Secret' does not exist or you do not have access to it." in str(hidden.value)


def test_it_searches_model_versions_by_name(zoo, registry, admin, viewer, mlflow_as):
    link_files(admin, registry, "other", {"MLmodel": b"o"})
    found = mlflow_as(viewer).search_model_versions("name = 'Model.zoo'")
    assert [(v.name, v.version) for v in found] == [("Model.zoo", "2"), ("Model.zoo", "1")]


def test_it_downloads_the_files_an_alias_points_at(zoo, viewer, mlflow_as, tmp_path):
    import mlflow

    mlflow_as(viewer)
    target = tmp_path / "download"
    target.mkdir()
    path = mlflow.artifacts.download_artifacts("models:/Model.zoo@production", dst_path=target)
    root = tmp_path / "download"
    assert (root / "MLmodel").read_bytes() == b"flavors: {}\n"
    assert (root / "data" / "weights.bin").read_bytes() == b"\x00weights v0\xff"
    assert str(path).startswith(str(root))


def test_it_downloads_the_new_files_after_the_alias_moves(zoo, admin, mlflow_as, tmp_path):
    import mlflow

    client = mlflow_as(admin)
    client.set_registered_model_alias("zoo", "production", "2")
    path = mlflow.artifacts.download_artifacts("models:/zoo@production", dst_path=tmp_path)
    assert (tmp_path / "MLmodel").read_bytes() == b"v1\n"
    assert not (tmp_path / "data").exists()
    assert path


def test_it_refuses_downloads_to_a_restricted_viewer(
    restricted, admin, restricted_viewer, mlflow_as, tmp_path
):
    import mlflow

    link_files(admin, restricted, "vault", {"MLmodel": b"x"}, aliases=["production"])
    mlflow_as(restricted_viewer)
    # MLflow's artifact client raises requests' HTTPError (with our body), not MlflowException.
    with pytest.raises(HTTPError, match="needs the Viewer role or higher"):
        mlflow.artifacts.download_artifacts("models:/Secret.vault@production", dst_path=tmp_path)
    assert not (tmp_path / "MLmodel").exists()


def test_it_searches_registered_models(zoo, registry, admin, viewer, mlflow_as):
    link_files(admin, registry, "other", {"MLmodel": b"o"})
    found = mlflow_as(viewer).search_registered_models(filter_string="name LIKE 'Model.z%'")
    assert [m.name for m in found] == ["Model.zoo"]


def test_it_creates_a_model_and_a_version_from_our_source(zoo, admin, mlflow_as):
    v0, _ = zoo
    client = mlflow_as(admin)
    client.create_registered_model("Model.copy", description="from MLflow")
    source = f"team/proj/{v0.source.artifact.name}:v{v0.source.index}"
    version = client.create_model_version("Model.copy", source)
    assert (version.name, version.version, version.source) == ("Model.copy", "1", source)
    assert client.get_registered_model("Model.copy").description == "from MLflow"


def test_it_downloads_by_version_number_and_latest(zoo, viewer, mlflow_as, tmp_path):
    import mlflow

    mlflow_as(viewer)
    first, latest = tmp_path / "first", tmp_path / "latest"
    first.mkdir()
    latest.mkdir()
    mlflow.artifacts.download_artifacts("models:/zoo/1", dst_path=first)
    mlflow.artifacts.download_artifacts("models:/zoo/latest", dst_path=latest)
    assert (first / "MLmodel").read_bytes() == b"flavors: {}\n"
    assert (latest / "MLmodel").read_bytes() == b"v1\n"


def test_it_refuses_a_missing_key_as_unauthenticated(zoo, viewer, mlflow_as, monkeypatch):
    client = mlflow_as(viewer)
    monkeypatch.delenv("MLFLOW_TRACKING_TOKEN")
    with pytest.raises(MlflowException, match="set MLFLOW_TRACKING_TOKEN") as refused:
        client.get_model_version_by_alias("zoo", "production")
    assert refused.value.error_code == "UNAUTHENTICATED"
