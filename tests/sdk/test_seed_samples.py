"""The seed page's two samples run against our server with only the import line changed."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
import registry_sdk

from registry.models import Alias, LinkedVersion
from registry.services.registries import update_registry
from tests.sdk.conftest import live

SAMPLES = Path(__file__).parent / "samples"


def run_sample(name: str) -> dict:
    return runpy.run_path(str(SAMPLES / name), run_name="__main__")


@live
def test_the_custom_alias_sample_links_with_both_aliases(sdk_as, member, registry):
    sdk_as(member)
    Path("zoo_model.pt").write_bytes(b"weights of the zoo model")
    run_sample("custom_aliases.py")
    linked = LinkedVersion.objects.get(collection__name="zoo")
    assert sorted(linked.aliases.values_list("name", flat=True)) == ["best_model", "candidate"]
    assert linked.source.artifact.project.team.name == "ml-team"


@live
def test_the_zoo_sample_is_refused_until_model_accepts_datasets(sdk_as, member, admin, registry):
    sdk_as(member)
    Path("zoo_dataset.pt").write_bytes(b"tensor of animals")
    Path("zoo_labels.pt").write_bytes(b"tensor of labels")
    with pytest.raises(registry_sdk.ValidationError) as refused:
        run_sample("zoo_example.py")
    assert str(refused.value) == (
        "Registry 'Model' accepts only 'model'; 'dataset' artifacts cannot be linked to it. "
        "A registry admin can add 'dataset' to the accepted types in the registry settings."
    )
    assert not LinkedVersion.objects.exists()

    update_registry(registry=registry, actor=admin, add_types=["dataset"])
    run_sample("zoo_example.py")
    linked = LinkedVersion.objects.get(collection__name="Zoo_Classifier_Models")
    assert linked.index == 0
    assert sorted(Alias.objects.values_list("name", flat=True)) == [
        "production-eu",
        "production-us",
    ]
    assert sorted(linked.source.files.values_list("path", flat=True)) == [
        "zoo_dataset",
        "zoo_labels",
    ]
