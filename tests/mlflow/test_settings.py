"""REGISTRY_MLFLOW_DEFAULT_REGISTRY: read from the environment, refused loudly when unusable."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.test_settings_env import GOOD_KEY, load_settings


def test_it_defaults_to_the_model_registry(monkeypatch, tmp_path):
    monkeypatch.delenv("REGISTRY_MLFLOW_DEFAULT_REGISTRY", raising=False)
    loaded = load_settings(monkeypatch, tmp_path, SECRET_KEY=GOOD_KEY)
    assert loaded["REGISTRY_MLFLOW_DEFAULT_REGISTRY"] == "Model"


def test_it_reads_the_default_registry(monkeypatch, tmp_path):
    loaded = load_settings(
        monkeypatch, tmp_path, SECRET_KEY=GOOD_KEY, REGISTRY_MLFLOW_DEFAULT_REGISTRY="Vision"
    )
    assert loaded["REGISTRY_MLFLOW_DEFAULT_REGISTRY"] == "Vision"


@pytest.mark.parametrize("raw", ["team.ml", "has space", "x" * 114])
def test_it_refuses_a_default_registry_names_cannot_reach(monkeypatch, tmp_path, raw):
    with pytest.raises(ImproperlyConfigured, match="not a registry name MLflow names can reach"):
        load_settings(
            monkeypatch, tmp_path, SECRET_KEY=GOOD_KEY, REGISTRY_MLFLOW_DEFAULT_REGISTRY=raw
        )
