"""The SDK flow against a live server: a member requests, an admin approves or rejects."""

from __future__ import annotations

import pytest
import registry_sdk as wandb

from registry.services.registries import create_protected_alias
from tests.sdk.conftest import live


@pytest.fixture
def linked_zoo(sdk_as, member, admin, registry, tmp_path):
    create_protected_alias(registry=registry, name="production", actor=admin)
    sdk_as(admin)
    with wandb.init(entity="admin", project="zoo") as run:
        for n in range(3):
            (tmp_path / "m.pt").write_bytes(f"weights {n}".encode())
            art = wandb.Artifact("m", type="model")
            art.add_file(str(tmp_path / "m.pt"))
            run.link_artifact(
                art, "wandb-registry-Model/zoo", aliases=["production"] if n == 0 else []
            )
    return registry


@live
def test_a_member_requests_and_an_admin_approves(sdk_as, linked_zoo, member, admin):
    sdk_as(member)
    candidate = wandb.Api().artifact("wandb-registry-Model/zoo:v1")
    candidate.aliases.append("production")
    with pytest.raises(wandb.PermissionDenied):
        candidate.save()
    promotion = candidate.request_promotion("production", reason="0.93 on the holdout")
    assert (promotion.alias, promotion.status, promotion.version, promotion.requested_by) == (
        "production",
        "pending",
        "v1",
        "member",
    )
    assert promotion.from_version == "v0"

    sdk_as(admin)
    pending = wandb.Api().promotions("Model", status="pending")
    assert [p.id for p in pending] == [promotion.id]
    approved = pending[0].approve(comment="numbers hold up")
    assert approved.status == "approved" and approved.comment == "numbers hold up"
    assert wandb.Api().artifact("wandb-registry-Model/zoo:production").version == "v1"
    assert wandb.Api().promotions("Model", status="pending") == []


@live
def test_a_member_withdraws_and_an_admin_rejects(sdk_as, linked_zoo, member, admin):
    sdk_as(member)
    candidate = wandb.Api().artifact("wandb-registry-Model/zoo:v1")
    first = candidate.request_promotion("production", reason="first try")
    assert first.withdraw().status == "withdrawn"
    second = candidate.request_promotion("production", reason="second try")
    with pytest.raises(wandb.PermissionDenied) as refused:
        second.approve()
    assert "needs the Admin role" in str(refused.value)

    sdk_as(admin)
    rejected = wandb.Api().promotion("Model", second.id).reject(comment="eval leaked")
    assert (rejected.status, rejected.comment) == ("rejected", "eval leaked")
    assert wandb.Api().artifact("wandb-registry-Model/zoo:production").version == "v0"


@live
def test_a_stale_request_is_reconfirmed_through_the_sdk(sdk_as, linked_zoo, member, admin):
    from registry.models import Alias, LinkedVersion
    from registry.services.aliases import add_alias

    sdk_as(member)
    promotion = (
        wandb.Api()
        .artifact("wandb-registry-Model/zoo:v1")
        .request_promotion("production", reason="better")
    )
    add_alias(version=LinkedVersion.objects.get(index=2), name="production", actor=admin)
    sdk_as(admin)
    with pytest.raises(wandb.Conflict) as refused:
        wandb.Api().promotion("Model", promotion.id).approve()
    assert "it was on v0 and is now on v2" in str(refused.value)
    assert promotion.reconfirm().from_version == "v2"
    wandb.Api().promotion("Model", promotion.id).approve()
    assert Alias.objects.get(name="production").version.index == 1
