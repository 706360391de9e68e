"""`Api().search(q)` against live_server: same hits and visibility as the page."""

from __future__ import annotations

import registry_sdk as wandb

from registry.services.aliases import add_alias
from tests.factories import link_new
from tests.sdk.conftest import live


@live
def test_it_finds_a_version_by_its_alias(sdk_as, member, registry):
    linked = link_new(member, registry, "zoo_classifier")
    add_alias(version=linked, name="best_model", actor=member)
    sdk_as(member)
    hits = wandb.Api().search("best_mod")
    versions = [h for h in hits if h["kind"] == "version"]
    assert [(h["collection"], h["version"]) for h in versions] == [("zoo_classifier", "v0")]
    assert versions[0]["matched"]["value"] == "best_model"


@live
def test_it_never_shows_a_restricted_registry_to_a_stranger(sdk_as, admin, stranger, restricted):
    linked = link_new(admin, restricted, "secret_model")
    add_alias(version=linked, name="best_model", actor=admin)
    sdk_as(stranger)
    assert wandb.Api().search("best_model") == []
    assert wandb.Api().search("secret") == []
