"""The promotions API: every persona × action in a restricted registry, and the flow."""

from __future__ import annotations

import pytest

from registry import permissions
from registry.models import Alias
from registry.services.aliases import add_alias
from tests.api.conftest import client_for
from tests.factories import link_new
from tests.promotions.conftest import ask, grant, setup_zoo

PERSONAS = ["stranger", "restricted_viewer", "viewer", "member", "admin", "org_admin"]
# What each persona gets in the restricted registry, where the stranger has no role.
REQUEST = {"stranger": 404, "restricted_viewer": 403, "viewer": 403}
DECIDE = {"stranger": 404, "restricted_viewer": 403, "viewer": 403, "member": 403}
BASE = "/api/v1/registries/Secret"


@pytest.fixture
def secret(restricted, org_admin, alice):
    grant(restricted, alice, permissions.MEMBER, org_admin)
    setup_zoo(restricted, org_admin)
    return restricted


@pytest.mark.parametrize("persona", PERSONAS)
def test_requesting_needs_member(request, secret, persona):
    api = client_for(request.getfixturevalue(persona))
    response = api.post(
        BASE + "/collections/zoo/versions/v1/promotions",
        {"alias": "production", "reason": "better recall"},
    )
    assert response.status_code == REQUEST.get(persona, 201), response.content
    if response.status_code == 201:
        body = response.json()
        assert (body["alias"], body["status"], body["version"], body["from_version"]) == (
            "production",
            "pending",
            "v1",
            "v0",
        )
        assert body["requested_by"] == request.getfixturevalue(persona).get_username()
    elif response.status_code == 403:
        assert "needs the Member role or higher" in response.json()["detail"]


@pytest.mark.parametrize("action", ["approve", "reject"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_deciding_needs_admin(request, secret, alice, persona, action):
    promotion = ask(secret, link_version_1(secret), alice)
    api = client_for(request.getfixturevalue(persona))
    response = api.post(f"{BASE}/promotions/{promotion.pk}/{action}", {"comment": "seen"})
    assert response.status_code == DECIDE.get(persona, 200), response.content
    promotion.refresh_from_db()
    expected = {"approve": "approved", "reject": "rejected"}[action]
    assert (promotion.status == expected) == (response.status_code == 200)
    if response.status_code == 403:
        assert "needs the Admin role" in response.json()["detail"]


def link_version_1(registry):
    return registry.collections.get(name="zoo").versions.get(index=1)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_requester_withdraws(request, secret, alice, persona):
    promotion = ask(secret, link_version_1(secret), alice)
    response = client_for(request.getfixturevalue(persona)).post(
        f"{BASE}/promotions/{promotion.pk}/withdraw"
    )
    assert response.status_code == (404 if persona == "stranger" else 403)
    response = client_for(alice).post(f"{BASE}/promotions/{promotion.pk}/withdraw")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_list_is_visible_to_whoever_sees_the_registry(request, secret, alice, persona):
    ask(secret, link_version_1(secret), alice)
    response = client_for(request.getfixturevalue(persona)).get(BASE + "/promotions")
    if persona == "stranger":
        assert response.status_code == 404
        assert response.json()["detail"] == permissions.REGISTRY_NOT_FOUND.format(name="Secret")
    else:
        assert [p["alias"] for p in response.json()] == ["production"]


def test_approval_through_the_api_moves_the_alias_and_shows_the_checklist(
    registry, zoo, pending, admin
):
    api = client_for(admin)
    response = api.post(f"/api/v1/registries/Model/promotions/{pending.pk}/approve", {})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "approved" and body["decided_by"] == "admin"
    assert body["approvals"][0]["approver"] == "admin"
    assert body["gates"] == [
        {
            "label": "Approved by 1 admin other than the requester",
            "passed": True,
            "actual": "1 of 1",
            "outcome": "passes",
        }
    ]
    resolved = api.get("/api/v1/registries/Model/collections/zoo/versions/production")
    assert resolved.json()["version"] == "v1"


def test_a_stale_approval_is_a_conflict(registry, zoo, pending, admin, org_admin):
    add_alias(version=link_new(org_admin, registry, "zoo"), name="production", actor=org_admin)
    response = client_for(admin).post(
        f"/api/v1/registries/Model/promotions/{pending.pk}/approve", {"comment": "ok"}
    )
    assert response.status_code == 409
    assert "it was on v0 and is now on v2" in response.json()["detail"]
    assert Alias.objects.get(name="production").version.index == 2
    reconfirmed = client_for(pending.requested_by).post(
        f"/api/v1/registries/Model/promotions/{pending.pk}/reconfirm"
    )
    assert reconfirmed.status_code == 200 and reconfirmed.json()["from_version"] == "v2"
    response = client_for(admin).post(
        f"/api/v1/registries/Model/promotions/{pending.pk}/approve", {"comment": "ok"}
    )
    assert response.status_code == 200
    assert Alias.objects.get(name="production").version.index == 1


def test_the_list_filters_by_status_and_puts_pending_first(registry, zoo, alice, admin):
    first = ask(registry, zoo[1], alice)
    client_for(admin).post(
        f"/api/v1/registries/Model/promotions/{first.pk}/reject", {"comment": "no"}
    )
    second = ask(registry, zoo[1], alice, reason="retrained")
    api = client_for(alice)
    listed = api.get("/api/v1/registries/Model/promotions").json()
    assert [(p["id"], p["status"]) for p in listed] == [
        (second.pk, "pending"),
        (first.pk, "rejected"),
    ]
    pending = api.get("/api/v1/registries/Model/promotions?status=pending").json()
    assert [p["id"] for p in pending] == [second.pk]
    bad = api.get("/api/v1/registries/Model/promotions?status=open")
    assert bad.status_code == 400
    assert bad.json()["detail"] == (
        "Unknown status 'open'; use one of: pending, approved, rejected, withdrawn."
    )


def test_an_unknown_request_is_404_naming_it(registry, zoo, alice):
    response = client_for(alice).get("/api/v1/registries/Model/promotions/999")
    assert response.status_code == 404
    assert response.json()["detail"] == (
        "Promotion request #999 does not exist in registry 'Model' or you do not have access to it."
    )


def test_an_org_admin_overrides_a_failing_gate_through_the_api(registry, zoo, admin, org_admin):
    from registry.models import AliasEvent
    from registry.services import gates

    gates.set_policy(
        registry=registry,
        name="production",
        required_approvals=1,
        conditions={},
        require_finished_run=True,
        actor=org_admin,
    )
    url = "/api/v1/registries/Model/collections/zoo/versions/v1/aliases"
    refused = client_for(admin).post(url, {"name": "production", "override_reason": "outage"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == gates.OVERRIDE_NEEDS_ORG_ADMIN
    refused = client_for(org_admin).post(url, {"name": "production"})
    assert refused.status_code == 403
    assert (
        "blocked by its gates: Source run finished (actual: no run recorded)"
        in (refused.json()["detail"])
    )
    moved = client_for(org_admin).post(url, {"name": "production", "override_reason": "outage"})
    assert moved.status_code == 200
    assert AliasEvent.objects.filter(alias="production").first().override_reason == "outage"


def test_a_member_refused_a_protected_alias_is_offered_a_request(registry, zoo, alice):
    versions = "/api/v1/registries/Model/collections/zoo/versions"
    refused = client_for(alice).post(f"{versions}/v1/aliases", {"name": "production"})
    assert refused.status_code == 403
    body = refused.json()
    assert body["detail"].endswith("only registry admins can move it.")
    assert "/promotions" in body["hint"] and 'request_promotion("production"' in body["hint"]
    # The offer is real: the same member asks, through the endpoint the hint names.
    asked = client_for(alice).post(
        f"{versions}/v1/promotions", {"alias": "production", "reason": "better on holdout"}
    )
    assert asked.status_code == 201 and asked.json()["status"] == "pending"


def test_removing_a_protected_alias_offers_no_request(registry, zoo, alice):
    versions = "/api/v1/registries/Model/collections/zoo/versions"
    refused = client_for(alice).delete(f"{versions}/v0/aliases/production")
    assert refused.status_code == 403
    assert "hint" not in refused.json()
