"""The MLflow name, version and filter rules, without a server."""

from __future__ import annotations

import pytest

from registry.mlflow_api.errors import MlflowError
from registry.mlflow_api.matching import like_regex
from registry.mlflow_api.names import model_name, split_name, to_index, to_mlflow
from registry.mlflow_api.search_filter import Clause, parse


def test_it_splits_at_the_first_dot_only():
    assert split_name("Model.zoo") == ("Model", "zoo")
    assert split_name("Dataset.zoo.v2.large") == ("Dataset", "zoo.v2.large")


def test_it_maps_bare_names_to_the_default_registry(settings):
    settings.REGISTRY_MLFLOW_DEFAULT_REGISTRY = "Model"
    assert split_name("zoo") == ("Model", "zoo")


@pytest.mark.parametrize(
    "name", ["", "Model.", ".zoo", "Model.zoo v2", "Model/zoo", "a" * 114 + ".zoo", "a" * 129]
)
def test_it_refuses_names_that_cannot_map(name):
    with pytest.raises(MlflowError) as refused:
        split_name(name)
    assert refused.value.code == "INVALID_PARAMETER_VALUE"


def test_every_name_it_gives_maps_back_to_the_same_collection():
    for registry, collection in [("Model", "zoo"), ("Model", "zoo.v2"), ("Team-x", ".hidden")]:
        assert split_name(model_name(registry, collection)) == (registry, collection)


def test_mlflow_version_one_is_our_v0():
    assert to_index("1") == 0
    assert to_mlflow(0) == "1"
    for bad in ["0", "-1", "v1", "1.5", ""]:
        with pytest.raises(MlflowError, match="versions are whole numbers from 1"):
            to_index(bad)


def test_it_parses_the_clauses_mlflow_clients_send():
    parsed = parse(
        "name = 'Model.zoo' AND tag.`mlflow.prompt.is_prompt` != 'true' AND version_number >= 2",
        versions=True,
    )
    assert parsed == [
        Clause("name", "=", "Model.zoo"),
        Clause("tag", "!=", "true", tag="mlflow.prompt.is_prompt"),
        Clause("version_number", ">=", "2"),
    ]


def test_it_keeps_and_inside_quotes():
    assert parse("name = 'rock AND roll'", versions=False) == [Clause("name", "=", "rock AND roll")]


@pytest.mark.parametrize(
    "text", ["run_id = 'x'", "version_number = 1", "name > 'a'", "name = a", "source_path = 'x'"]
)
def test_it_refuses_what_registered_model_search_cannot_answer(text):
    with pytest.raises(MlflowError, match="filters here are clauses joined by AND"):
        parse(text, versions=False)


def test_like_becomes_an_anchored_regular_expression():
    assert like_regex("Model.z%") == r"^Model\.z.*$"
    assert like_regex("a_b") == "^a.b$"
