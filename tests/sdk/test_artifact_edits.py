"""Editing registry versions from the SDK: link, unlink, aliases, tags, description."""

from __future__ import annotations

import warnings

import pytest
import registry_sdk as wandb

from registry.models import LinkedVersion
from tests.sdk.conftest import live


def logged(run, tmp_path, name="m", metadata=None):
    (tmp_path / f"{name}.pt").write_bytes(name.encode())
    art = wandb.Artifact(name, type="model", metadata=metadata or {"acc": 0.9})
    art.add_file(str(tmp_path / f"{name}.pt"))
    return run.log_artifact(art)


@live
def test_link_ignores_latest_and_vn_with_a_warning(sdk_as, member, registry, tmp_path):
    sdk_as(member)
    with wandb.init(entity="member", project="zoo") as run:
        art = logged(run, tmp_path)
        with pytest.warns(UserWarning, match=r"Ignored 'v7'"):
            linked = art.link("wandb-registry-Model/zoo", aliases=["prod", "v7"])
    assert (linked.version, linked.aliases) == ("v0", ["prod", "latest"])


@live
def test_save_writes_aliases_tags_and_description(sdk_as, member, registry, tmp_path):
    sdk_as(member)
    with wandb.init(entity="member", project="zoo") as run:
        run.link_artifact(logged(run, tmp_path), "wandb-registry-Model/zoo", aliases=["a"])
    art = wandb.Api().artifact("wandb-registry-Model/zoo:a")
    art.aliases = ["b", "prod@eu+1", "latest"]
    art.tags.append("vision")
    art.description = "Best so far"
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        art.save()
    assert warned == []  # `latest`, which it holds anyway, is not sent
    again = wandb.Api().artifact("wandb-registry-Model/zoo:v0")
    assert (again.aliases, again.tags, again.description) == (
        ["b", "prod@eu+1", "latest"],
        ["vision"],
        "Best so far",
    )
    again.aliases.append("v3")
    with pytest.warns(UserWarning, match="Ignored 'v3'"):
        again.save()
    again.tags = []
    again.save()
    assert LinkedVersion.objects.get().tags.count() == 0
    again.metadata["acc"] = 1.0
    with pytest.raises(wandb.UsageError, match="metadata belongs to the logged artifact"):
        again.save()


@live
def test_a_registry_version_links_elsewhere_and_unlinks(sdk_as, member, registry, tmp_path):
    sdk_as(member)
    with wandb.init(entity="member", project="zoo") as run:
        run.link_artifact(logged(run, tmp_path), "wandb-registry-Model/zoo")
    art = wandb.Api().artifact("wandb-registry-Model/zoo:latest")
    copy = art.link("wandb-registry-Model/farm", aliases=["candidate"])
    assert (copy.collection, copy.aliases) == ("farm", ["candidate", "latest"])
    copy.unlink()
    assert not wandb.Api().artifact_exists("wandb-registry-Model/farm:candidate")
    assert wandb.Api().artifact_exists("wandb-registry-Model/zoo:latest")
