"""The SDK against a live server: a persona's API key in the environment, a clean cwd."""

from __future__ import annotations

import pytest
from registry_sdk import _state, config
from registry_sdk import run as run_module

from registry.services.api_keys import create_api_key
from tests.automations.conftest import endpoint, receiver  # noqa: F401 (fixtures for W&B programs)

# Transactional: the live server runs in another thread. A transactional test empties
# the database when it ends, so core_registries puts Model and Dataset back first.
live = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sdk_as(live_server, monkeypatch, tmp_path):
    """sdk_as(user): point the SDK at the live server with a fresh key of `user`."""
    monkeypatch.setenv("REGISTRY_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("REGISTRY_BASE_URL", live_server.url)
    monkeypatch.delenv("REGISTRY_API_KEY", raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)

    def _as(user) -> str:
        _, raw = create_api_key(user=user, name="sdk tests")
        monkeypatch.setenv("REGISTRY_API_KEY", raw)
        config.clear_override()
        _state._client = None
        return raw

    yield _as
    config.clear_override()
    if _state._client is not None:
        _state._client.close()
    _state._client = None
    run_module.current_run = None
