"""Registry settings: admins only; protected aliases, members and roles, general."""

from __future__ import annotations

import pytest

from registry import permissions
from registry.models import ProtectedAlias, Registry
from tests.factories import make_user
from tests.views.conftest import htmx, text

pytestmark = pytest.mark.django_db
URL = "/registries/Model/settings/"


def test_it_shows_the_settings_to_an_admin(as_user, admin, registry):
    response = as_user(admin).get(URL)
    assert response.status_code == 200
    body = text(response)
    assert 'id="protected-title">Protected Aliases' in body
    assert 'aria-label="Add protected alias"' in body
    assert "Members and roles" in body
    assert 'name="visibility"' in body
    assert "Add accepted types" in body


@pytest.mark.parametrize("persona", ["member", "viewer", "restricted_viewer"])
def test_it_refuses_the_settings_to_non_admins(request, as_user, persona, registry):
    response = as_user(request.getfixturevalue(persona)).get(URL)
    assert response.status_code == 403
    assert "needs the Admin role" in text(response)


def test_it_hides_a_restricted_registrys_settings_from_a_stranger(as_user, stranger, restricted):
    assert as_user(stranger).get("/registries/Secret/settings/").status_code == 404


def test_it_rejects_post_on_the_settings_page(as_user, admin, registry):
    assert as_user(admin).post(URL).status_code == 405


def test_it_opens_and_submits_the_protected_alias_input(as_user, admin, registry):
    client = as_user(admin)
    form = client.get(URL + "protected-aliases/", **htmx("protected"))
    assert text(form).lstrip().startswith('<section class="panel" id="protected"')
    assert 'id="protected-name"' in text(form)
    response = client.post(URL + "protected-aliases/", {"name": "production"}, **htmx())
    assert response.status_code == 200
    body = text(response)
    assert (
        'data-alias-kind="protected"><svg class="chip-lock" role="img" aria-label="protected"'
        in body
    )
    assert "Delete protected alias production" in body
    assert list(ProtectedAlias.objects.values_list("name", flat=True)) == ["production"]


def test_it_redirects_a_plain_protected_alias_post(as_user, admin, registry):
    response = as_user(admin).post(URL + "protected-aliases/", {"name": "staging"})
    assert response.status_code == 302
    assert response["Location"] == URL


def test_it_shows_a_duplicate_protected_alias_inline(as_user, admin, zoo):
    response = as_user(admin).post(URL + "protected-aliases/", {"name": "PRODUCTION"}, **htmx())
    assert response.status_code == 409
    assert "is already a protected alias" in text(response)


def test_it_refuses_protected_alias_changes_to_a_member(as_user, member, zoo):
    client = as_user(member)
    assert client.post(URL + "protected-aliases/", {"name": "staging"}).status_code == 403
    assert client.post(URL + "protected-aliases/production/delete/").status_code == 403
    assert ProtectedAlias.objects.count() == 1


def test_it_confirms_then_deletes_a_protected_alias(as_user, admin, zoo):
    client = as_user(admin)
    confirm = client.get(URL + "protected-aliases/production/delete/")
    assert "Delete the protected alias 'production'" in text(confirm)
    response = client.post(URL + "protected-aliases/production/delete/", **htmx("protected"))
    assert response.status_code == 200
    assert not ProtectedAlias.objects.exists()


def test_it_adds_a_member_by_username(as_user, admin, registry):
    newcomer = make_user("newcomer")
    response = as_user(admin).post(
        URL + "members/", {"username": "newcomer", "role": "member"}, **htmx("members")
    )
    assert response.status_code == 200
    assert "newcomer" in text(response)
    assert permissions.role_of(newcomer, registry) == permissions.MEMBER


def test_it_reports_an_unknown_username(as_user, admin, registry):
    response = as_user(admin).post(URL + "members/", {"username": "ghost", "role": "member"})
    assert response.status_code == 400
    assert "There is no active user named 'ghost'" in text(response)


def test_it_changes_a_role_and_removes_a_member(as_user, admin, member, registry):
    client = as_user(admin)
    assert client.post(URL + "members/member/", {"role": "viewer"}).status_code == 302
    permissions.forget_cached_roles(member)
    assert permissions.role_of(member, registry) == permissions.VIEWER
    assert client.post(URL + "members/member/", {"remove": "1"}).status_code == 302
    assert ("member", "viewer") not in [
        (u.username, r) for u, r in permissions.granted_roles(registry)
    ]


def test_it_refuses_member_changes_to_a_member(as_user, member, viewer, registry):
    response = as_user(member).post(URL + "members/viewer/", {"role": "admin"})
    assert response.status_code == 403
    assert permissions.role_of(viewer, registry) == permissions.VIEWER


def test_it_rejects_get_on_member_endpoints(as_user, admin, registry):
    assert as_user(admin).get(URL + "members/").status_code == 405
    assert as_user(admin).get(URL + "general/").status_code == 405


def test_it_updates_description_visibility_and_types(as_user, admin, registry):
    response = as_user(admin).post(
        URL + "general/",
        {"description": "Production models", "visibility": "restricted", "add_types": "dataset"},
        **htmx("general"),
    )
    assert response.status_code == 200
    registry.refresh_from_db()
    assert registry.description == "Production models"
    assert registry.visibility == Registry.Visibility.RESTRICTED
    assert registry.accepted_types == ["model", "dataset"]


def test_it_refuses_going_back_to_organization_visibility(as_user, admin, restricted):
    response = as_user(admin).post(
        "/registries/Secret/settings/general/", {"visibility": "organization"}, **htmx()
    )
    assert response.status_code == 400
    assert "cannot be made organization-wide again" in text(response)
