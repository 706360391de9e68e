"""`Api().artifact(path, at=...)` and `registry get --at`: a reference at a past moment."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
import registry_sdk as wandb
from registry_sdk.errors import NotFound

from registry.services.aliases import add_alias
from tests.factories import link_new
from tests.sdk.conftest import live
from tests.sdk.test_cli import run_cli


@pytest.fixture
def moved(registry, member, clock):
    """production on v0 from 2026-11-01T00:00Z, moved to v1 at 01:00Z."""
    link_new(member, registry, aliases=["production"])
    clock.advance(hours=1)
    v1 = link_new(member, registry)
    add_alias(version=v1, name="production", actor=member)
    clock.advance(hours=1)


@live
def test_the_sdk_answers_what_an_alias_named_then(sdk_as, viewer, moved):
    sdk_as(viewer)
    api = wandb.Api()
    path = "wandb-registry-Model/zoo:production"
    assert api.artifact(path, at=datetime(2026, 11, 1, 0, 30, tzinfo=UTC)).version == "v0"
    paris = timezone(timedelta(hours=1))
    assert api.artifact(path, at=datetime(2026, 11, 1, 2, 30, tzinfo=paris)).version == "v1"
    assert api.artifact(path, at="2026-11-01T00:59:59Z").version == "v0"
    assert api.artifact(path).version == "v1"
    with pytest.raises(NotFound, match="it first appeared at 2026-11-01T00:00:00Z"):
        api.artifact(path, at=datetime(2026, 10, 31, tzinfo=UTC))


@live
def test_the_cli_gets_a_version_at_a_moment(sdk_as, viewer, moved, capsys):
    sdk_as(viewer)
    code, out, err = run_cli(capsys, "get", "Model/zoo:production", "--at", "2026-11-01T00:30Z")
    assert code == 0, err
    assert json.loads(out)["version"] == "v0"
    code, _, err = run_cli(capsys, "get", "Model/zoo:production", "--at", "soon")
    assert code == 1
    assert err.startswith("registry: error: 'soon' is not an RFC 3339 time")
