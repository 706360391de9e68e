"""Add alias (+) and Remove alias on the version page, with and without htmx."""

from __future__ import annotations

import pytest

from registry.models import Alias, AliasEvent
from tests.views.conftest import htmx, text

pytestmark = pytest.mark.django_db
V0 = "/registries/Model/zoo/v0/"
V1 = "/registries/Model/zoo/v1/"


def aliases_of(version) -> list[str]:
    return sorted(Alias.objects.filter(version=version).values_list("name", flat=True))


def test_it_opens_the_inline_input_with_suggestions_for_htmx(as_user, member, zoo):
    response = as_user(member).get(V0 + "aliases/", **htmx("aliases"))
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith('<div id="aliases"')
    assert 'list="alias-suggestions"' in body
    assert '<option value="production">' not in body  # protected: a member may not add it
    assert '<option value="best_model">' not in body  # v0 holds it already
    on_v1 = text(as_user(member).get(V1 + "aliases/", **htmx("aliases")))
    assert '<option value="best_model">in use in Model</option>' in on_v1
    assert "/automation-preview/" in body
    assert "HX-Request" in response["Vary"]


def test_it_opens_the_input_on_the_full_page_without_javascript(as_user, member, zoo):
    body = text(as_user(member).get(V0 + "aliases/"))
    assert "<html" in body
    assert 'id="alias-name"' in body


def test_it_adds_a_custom_alias_and_returns_the_chip_to_htmx(as_user, member, zoo):
    response = as_user(member).post(V0 + "aliases/", {"name": "staging"}, **htmx("aliases"))
    assert response.status_code == 200
    body = text(response)
    assert 'data-alias-kind="custom"><span class="chip-name">staging</span>' in body
    history = body.split('<section class="panel" id="history"')[1]
    assert 'hx-swap-oob="true"' in history  # the history comes along, out of band
    assert "added to" in history and ">v0<" in history
    assert aliases_of(zoo["versions"][0]) == ["best_model", "staging"]


def test_it_redirects_a_plain_add_back_to_the_version(as_user, member, zoo):
    response = as_user(member).post(V0 + "aliases/", {"name": "staging"})
    assert response.status_code == 302
    assert response["Location"] == V0


def test_it_moves_an_alias_back_and_records_it(as_user, member, zoo):
    v0, v1, v2 = zoo["versions"]
    client = as_user(member)
    client.post("/registries/Model/zoo/v2/aliases/", {"name": "best_model"})
    response = client.post(
        V0 + "aliases/", {"name": "best_model", "next": "/registries/Model/zoo/v2/"}
    )
    assert response["Location"] == "/registries/Model/zoo/v2/"
    assert aliases_of(v0) == ["best_model"]
    moves = AliasEvent.objects.filter(alias="best_model", action=AliasEvent.Action.MOVE)
    assert [(e.from_index, e.to_index) for e in moves.order_by("id")] == [(0, 2), (2, 0)]
    # The page it lands on says what happened.
    assert (
        "&#x27;best_model&#x27; now on v0 of &#x27;zoo&#x27;."
        in client.get(response["Location"]).content.decode()
    )


def test_it_ignores_an_offsite_next(as_user, member, zoo):
    response = as_user(member).post(
        V0 + "aliases/", {"name": "x1", "next": "https://evil.example/"}
    )
    assert response["Location"] == V0


def test_it_refuses_a_member_adding_a_protected_alias_inline(as_user, member, zoo):
    response = as_user(member).post(V0 + "aliases/", {"name": "production"}, **htmx("aliases"))
    assert response.status_code == 403
    body = text(response)
    assert body.lstrip().startswith('<div id="aliases"')
    assert "'production' is a protected alias in registry 'Model'; only registry admins can" in body
    assert 'value="production"' in body
    assert aliases_of(zoo["versions"][0]) == ["best_model"]


def test_it_refuses_a_protected_alias_on_the_full_page_without_javascript(as_user, member, zoo):
    response = as_user(member).post(V0 + "aliases/", {"name": "production"})
    assert response.status_code == 403
    body = text(response)
    assert "<html" in body
    assert "only registry admins can move it" in body


def test_it_lets_an_admin_add_a_protected_alias(as_user, admin, zoo):
    response = as_user(admin).post(V0 + "aliases/", {"name": "Production"}, **htmx("aliases"))
    assert response.status_code == 200
    assert 'data-alias-kind="protected"' in text(response)
    assert aliases_of(zoo["versions"][0]) == ["best_model", "production"]


def test_it_ignores_reserved_names_and_refuses_invalid_ones(as_user, member, zoo):
    client = as_user(member)
    latest = client.post(V0 + "aliases/", {"name": "latest, v9, fresh"}, **htmx())
    assert latest.status_code == 200
    assert "Ignored 'latest', 'v9'" in text(latest)
    assert "fresh" in aliases_of(zoo["versions"][0])
    page = client.post(V0 + "aliases/", {"name": "v3"}, follow=True)
    assert "Ignored 'v3'" in text(page)
    bad = client.post(V0 + "aliases/", {"name": "no/slash"}, **htmx())
    assert bad.status_code == 400
    assert "is not a valid alias" in text(bad)


def test_it_refuses_a_viewer(as_user, viewer, zoo):
    client = as_user(viewer)
    assert client.get(V0 + "aliases/").status_code == 403
    response = client.post(V0 + "aliases/", {"name": "staging"})
    assert response.status_code == 403
    assert "needs the Member role" in text(response)
    assert aliases_of(zoo["versions"][0]) == ["best_model"]


def test_it_hides_alias_endpoints_of_a_restricted_registry_from_a_stranger(
    as_user, stranger, secret_zoo
):
    client = as_user(stranger)
    url = "/registries/Secret/vault/v0/aliases/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "x"}).status_code == 404
    assert client.post(url + "candidate/remove/").status_code == 404


def test_it_rejects_put_and_delete(as_user, member, zoo):
    client = as_user(member)
    assert client.put(V0 + "aliases/").status_code == 405
    assert client.delete(V0 + "aliases/best_model/remove/").status_code == 405


def test_it_asks_for_confirmation_before_removing_without_javascript(as_user, member, zoo):
    response = as_user(member).get(V0 + "aliases/best_model/remove/")
    assert response.status_code == 200
    body = text(response)
    assert "Remove alias 'best_model' from v0 of 'zoo'?" in body
    assert 'method="post"' in body
    assert aliases_of(zoo["versions"][0]) == ["best_model"]


def test_it_refuses_the_confirmation_page_of_a_protected_alias_to_a_member(as_user, member, zoo):
    response = as_user(member).get(V1 + "aliases/production/remove/")
    assert response.status_code == 403
    assert "only registry admins can remove it" in text(response)


def test_it_removes_an_alias_with_htmx(as_user, member, zoo):
    response = as_user(member).post(V0 + "aliases/best_model/remove/", **htmx("aliases"))
    assert response.status_code == 200
    field = text(response).split('id="aliases"')[1].split('id="history"')[0]
    assert "best_model" not in field
    assert aliases_of(zoo["versions"][0]) == []


def test_it_redirects_a_plain_remove(as_user, member, zoo):
    response = as_user(member).post(V0 + "aliases/best_model/remove/")
    assert response.status_code == 302
    assert response["Location"] == V0


def test_it_refuses_a_member_removing_a_protected_alias(as_user, member, zoo):
    response = as_user(member).post(V1 + "aliases/production/remove/", **htmx("aliases"))
    assert response.status_code == 403
    assert "only registry admins can remove it" in text(response)
    assert aliases_of(zoo["versions"][1]) == ["production"]


def test_it_returns_404_for_an_alias_the_version_does_not_hold(as_user, member, zoo):
    response = as_user(member).post(V0 + "aliases/nope/remove/")
    assert response.status_code == 404
    assert "v0 of 'zoo' has no alias 'nope'" in text(response)


def test_it_requires_the_csrf_token(member, zoo):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(V0 + "aliases/", {"name": "x"}).status_code == 403
    assert aliases_of(zoo["versions"][0]) == ["best_model"]


def test_it_offers_one_click_suggestions_the_version_does_not_hold(as_user, org_admin, zoo):
    body = text(as_user(org_admin).get(V0 + "aliases/"))
    assert 'name="name" value="production" formnovalidate' in body  # admins may add it
    assert 'value="best_model" formnovalidate' not in body  # v0 holds it already


def test_it_adds_the_clicked_suggestion_over_the_empty_input(as_user, member, zoo):
    client = as_user(member)
    client.post("/registries/Model/zoo/v1/aliases/", {"name": "staging"})
    response = client.post(V0 + "aliases/", {"name": ["", "staging"]})
    assert response.status_code == 302
    assert aliases_of(zoo["versions"][0]) == ["best_model", "staging"]


def test_it_returns_404_for_the_confirmation_of_an_alias_not_held(as_user, member, zoo):
    response = as_user(member).get(V0 + "aliases/nope/remove/")
    assert response.status_code == 404


def test_it_adds_several_comma_separated_aliases_at_once(as_user, member, zoo):
    response = as_user(member).post(
        V0 + "aliases/", {"name": "production-us, production-eu"}, **htmx("aliases")
    )
    assert response.status_code == 200
    assert aliases_of(zoo["versions"][0]) == ["best_model", "production-eu", "production-us"]
    assert 'data-alias-kind="custom"' in text(response)


def test_several_aliases_are_refused_together_with_the_reason(as_user, member, zoo):
    response = as_user(member).post(
        V0 + "aliases/", {"name": "candidate, production"}, **htmx("aliases")
    )
    assert response.status_code == 403
    body = text(response)
    assert (
        "'production' is a protected alias in registry 'Model'; only registry admins can "
        "move it. None of the aliases were added." in body  # v1 holds production
    )
    assert 'value="candidate, production"' in body  # the input keeps what was typed
    assert aliases_of(zoo["versions"][0]) == ["best_model"]


@pytest.mark.parametrize("name", ["..", "."])
def test_an_alias_named_as_a_dot_segment_links_to_its_own_removal(as_user, member, zoo, name):
    client = as_user(member)
    client.post(V0 + "aliases/", {"name": name})
    page = client.get(V0).content.decode()
    remove_url = V0 + "aliases/" + name.replace(".", "%2E") + "/remove/"
    assert f'action="{remove_url}"' in page
    assert client.post(remove_url).status_code == 302
    assert name not in aliases_of(zoo["versions"][0])
