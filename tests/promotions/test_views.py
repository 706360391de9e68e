"""Promotion pages: request, decide, the list, the board and the gate settings."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from registry import permissions
from registry.models import Alias, PromotionRequest
from registry.services import gates
from registry.services.registries import create_protected_alias
from tests.factories import link_new
from tests.promotions.conftest import ask, grant, setup_zoo

PERSONAS = ["stranger", "restricted_viewer", "viewer", "member", "admin", "org_admin"]


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def secret(restricted, org_admin, alice):
    grant(restricted, alice, permissions.MEMBER, org_admin)
    setup_zoo(restricted, org_admin)
    return restricted


def v1_of(registry):
    return registry.collections.get(name="zoo").versions.get(index=1)


REQUEST_FORM = "/registries/Secret/zoo/v1/promotions/"


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_request_form_is_for_members_and_up(request, secret, persona):
    page = browser(request.getfixturevalue(persona)).get(REQUEST_FORM)
    expected = {"stranger": 404, "restricted_viewer": 403, "viewer": 403}.get(persona, 200)
    assert page.status_code == expected
    if expected == 403:
        assert "Requesting a promotion in registry &#x27;Secret&#x27; needs the Member" in text(
            page
        )


@pytest.mark.parametrize("persona", PERSONAS)
def test_deciding_on_the_page_is_for_admins(request, secret, alice, persona):
    promotion = ask(secret, v1_of(secret), alice)
    url = f"/registries/Secret/promotions/{promotion.pk}/approve/"
    response = browser(request.getfixturevalue(persona)).post(url, {"comment": "ok"})
    expected = {"stranger": 404, "admin": 302, "org_admin": 302}.get(persona, 403)
    assert response.status_code == expected
    promotion.refresh_from_db()
    assert (promotion.status == "approved") == (expected == 302)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_requester_withdraws_on_the_page(request, secret, alice, persona):
    promotion = ask(secret, v1_of(secret), alice)
    url = f"/registries/Secret/promotions/{promotion.pk}/withdraw/"
    response = browser(request.getfixturevalue(persona)).post(url)
    assert response.status_code == (404 if persona == "stranger" else 403)
    assert browser(alice).post(url).status_code == 302
    promotion.refresh_from_db()
    assert promotion.status == "withdrawn"


def test_a_member_refused_a_protected_alias_is_offered_a_request(registry, zoo, member):
    page = browser(member).post("/registries/Model/zoo/v1/aliases/", {"name": "production"})
    assert page.status_code == 403
    body = text(page)
    assert "only registry admins can move it" in body
    assert (
        '<a href="/registries/Model/zoo/v1/promotions/?alias=production">'
        "Request promotion of 'production' to v1</a>" in body
    )


def test_requesting_on_the_page_leads_to_the_request(registry, zoo, member):
    client = browser(member)
    response = client.post(
        "/registries/Model/zoo/v1/promotions/",
        {"alias": "production", "reason": "recall up 4 points"},
    )
    promotion = PromotionRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/registries/Model/promotions/{promotion.pk}/"
    page = text(client.get(response["Location"]))
    assert "recall up 4 points" in page
    assert 'id="promotion-move"' in page and "/registries/Model/zoo/v0/" in page
    assert "Approved by 1 admin other than the requester" in page
    assert "Withdraw request" in page and "Approve</button>" not in page


def test_a_refused_request_shows_why_and_keeps_the_reason(registry, zoo, member):
    response = browser(member).post(
        "/registries/Model/zoo/v0/promotions/", {"alias": "production", "reason": "again"}
    )
    assert response.status_code == 400
    assert "v0 of &#x27;zoo&#x27; already holds &#x27;production&#x27;" in text(response)
    assert ">again</textarea>" in text(response)


def test_the_request_page_shows_what_changes(registry, zoo, pending, admin):
    page = text(browser(admin).get(f"/registries/Model/promotions/{pending.pk}/"))
    assert "v0 → v1:</strong> 1 file changed." in page
    assert "weights.bin" in page
    assert "Approve</button>" in page and "Reject</button>" in page


def test_approving_on_the_page_moves_the_alias_and_history_links_the_request(
    registry, zoo, pending, admin
):
    client = browser(admin)
    response = client.post(
        f"/registries/Model/promotions/{pending.pk}/approve/", {"comment": "ship it"}
    )
    assert response.status_code == 302
    assert Alias.objects.get(name="production").version.index == 1
    version_page = text(client.get("/registries/Model/zoo/v1/"))
    link = f'<a class="text-link" href="/registries/Model/promotions/{pending.pk}/">'
    assert link + f"request #{pending.pk}</a>" in version_page


def test_a_stale_approval_on_the_page_says_what_changed(registry, zoo, pending, admin, org_admin):
    from registry.services.aliases import add_alias

    add_alias(version=link_new(org_admin, registry, "zoo"), name="production", actor=org_admin)
    client = browser(admin)
    page = text(client.get(f"/registries/Model/promotions/{pending.pk}/"))
    assert 'id="stale-note"' in page
    response = client.post(f"/registries/Model/promotions/{pending.pk}/approve/", {})
    assert response.status_code == 409
    assert "it was on v0 and is now on v2" in text(response)


def test_rejecting_without_a_comment_is_refused_on_the_page(registry, zoo, pending, admin):
    response = browser(admin).post(f"/registries/Model/promotions/{pending.pk}/reject/", {})
    assert response.status_code == 400
    assert f"Say why you reject request #{pending.pk}" in text(response)


def test_the_list_puts_pending_first_and_the_header_counts_them(registry, zoo, alice, admin):
    first = ask(registry, zoo[1], alice)
    browser(admin).post(f"/registries/Model/promotions/{first.pk}/reject/", {"comment": "no"})
    second = ask(registry, zoo[1], alice, reason="retrained")
    page = text(browser(alice).get("/registries/Model/promotions/"))
    assert page.index(f">#{second.pk}<") < page.index(f">#{first.pk}<")
    only = text(browser(alice).get("/registries/Model/promotions/?status=rejected"))
    assert f">#{first.pk}<" in only and f">#{second.pk}<" not in only
    header = text(browser(alice).get("/registries/Model/"))
    assert '<span class="count" aria-label="1 pending">1</span>' in header


def test_the_board_shows_each_protected_alias_in_each_collection(
    registry, zoo, pending, admin, org_admin
):
    browser(admin).post(f"/registries/Model/promotions/{pending.pk}/approve/", {})
    page = text(browser(admin).get("/registries/Model/promotions/board/"))
    assert '<a class="strong-link" href="/registries/Model/zoo/v1/">v1</a>' in page
    assert f"request #{pending.pk}" in page and "admin" in page


def test_the_board_reads_a_fixed_number_of_queries(
    registry, zoo, alice, admin, org_admin, django_assert_num_queries
):
    create_protected_alias(registry=registry, name="staging", actor=org_admin)
    ask(registry, zoo[1], alice)
    client = browser(admin)
    client.get("/registries/Model/promotions/board/")  # a session in use
    with CaptureQueriesContext(connection) as few:
        client.get("/registries/Model/promotions/board/")
    for name in ["a", "b", "c", "d"]:
        link_new(org_admin, registry, name, aliases=["production", "staging"])
        ask(registry, link_new(org_admin, registry, name), alice)
    with django_assert_num_queries(len(few.captured_queries)):
        page = text(client.get("/registries/Model/promotions/board/"))
    assert page.count("pending: v1") == 5


@pytest.mark.parametrize("persona", PERSONAS)
def test_gate_settings_are_for_admins(request, secret, persona):
    url = "/registries/Secret/settings/protected-aliases/production/gates/"
    response = browser(request.getfixturevalue(persona)).post(
        url, {"required_approvals": "2", "conditions": '{"metadata.accuracy": {"$gte": 0.9}}'}
    )
    expected = {"stranger": 404, "admin": 302, "org_admin": 302}.get(persona, 403)
    assert response.status_code == expected
    policy = secret.protected_aliases.get(name="production")
    assert (policy.required_approvals == 2) == (expected == 302)


def test_gate_settings_refuse_a_bad_filter_and_keep_what_was_typed(registry, zoo, admin):
    url = "/registries/Model/settings/protected-aliases/production/gates/"
    response = browser(admin).post(
        url, {"required_approvals": "1", "conditions": '{"metadata.accuracy": {"$near": 1}}'}
    )
    assert response.status_code == 400
    assert "$near" in text(response)
    assert "{&quot;metadata.accuracy&quot;: {&quot;$near&quot;: 1}}</textarea>" in text(response)
    settings_page = text(browser(admin).get("/registries/Model/settings/"))
    assert "Edit gates for production" in settings_page


def test_saved_gates_show_on_the_settings_page(registry, zoo, admin, org_admin):
    gates.set_policy(
        registry=registry,
        name="production",
        required_approvals=2,
        conditions={"tag": {"$in": ["validated"]}},
        require_finished_run=True,
        actor=org_admin,
    )
    page = text(browser(admin).get("/registries/Model/settings/"))
    assert "<code>{&quot;tag&quot;: {&quot;$in&quot;: [&quot;validated&quot;]}}</code>" in page


def test_an_org_admin_refused_by_a_gate_can_override_with_a_reason(registry, zoo, org_admin):
    from registry.models import AliasEvent

    gates.set_policy(
        registry=registry,
        name="production",
        required_approvals=1,
        conditions={},
        require_finished_run=True,
        actor=org_admin,
    )
    client = browser(org_admin)
    refused = client.post("/registries/Model/zoo/v1/aliases/", {"name": "production"})
    assert refused.status_code == 403
    assert "blocked by its gates" in text(refused)
    assert 'name="override_reason"' in text(refused)
    moved = client.post(
        "/registries/Model/zoo/v1/aliases/",
        {"name": "production", "override_reason": "rollback during the outage"},
    )
    assert moved.status_code == 302
    assert AliasEvent.objects.filter(alias="production").first().override_reason == (
        "rollback during the outage"
    )
    history = text(client.get("/registries/Model/zoo/v1/"))
    assert "Gates overridden: <q>rollback during the outage</q>" in history


def test_registry_admins_are_not_offered_an_override(registry, zoo, admin, org_admin):
    gates.set_policy(
        registry=registry,
        name="production",
        required_approvals=1,
        conditions={},
        require_finished_run=True,
        actor=org_admin,
    )
    refused = browser(admin).post("/registries/Model/zoo/v1/aliases/", {"name": "production"})
    assert refused.status_code == 403 and 'name="override_reason"' not in text(refused)
