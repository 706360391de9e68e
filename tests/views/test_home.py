from __future__ import annotations

import pytest

from registry.models import Registry
from tests.views.conftest import htmx, text

pytestmark = pytest.mark.django_db


def test_it_redirects_anonymous_users_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_shows_a_card_per_visible_registry(as_user, member, restricted):
    response = as_user(member).get("/")
    assert response.status_code == 200
    body = text(response)
    for name in ("Model", "Dataset", "Secret"):
        assert f'href="/registries/{name}/"' in body
    assert 'class="card"' in body


def test_it_hides_restricted_registries_from_a_stranger(as_user, stranger, restricted):
    body = as_user(stranger).get("/").content.decode()
    assert "/registries/Model/" in body
    assert "Secret" not in body


def test_it_shows_the_global_search_bar(as_user, member):
    body = as_user(member).get("/").content.decode()
    assert '<form role="search"' in body
    assert 'name="q"' in body
    assert 'hx-get="/search/live/"' in body
    assert 'hx-target="#search-live"' in body


def test_it_offers_registry_creation_to_org_admins_only(as_user, org_admin, admin):
    assert "Create a registry" in as_user(org_admin).get("/").content.decode()
    assert "Create a registry" not in as_user(admin).get("/").content.decode()


def test_it_rejects_post_on_home(as_user, member):
    assert as_user(member).post("/").status_code == 405


def test_it_creates_a_registry_for_an_org_admin(as_user, org_admin):
    response = as_user(org_admin).post(
        "/registries/",
        {
            "name": "Vision",
            "description": "CV",
            "visibility": "restricted",
            "accepted_types": "model, dataset",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/registries/Vision/"
    registry = Registry.objects.get(name="Vision")
    assert registry.visibility == Registry.Visibility.RESTRICTED
    assert registry.accepted_types == ["model", "dataset"]


def test_it_refuses_registry_creation_to_a_registry_admin(as_user, admin):
    response = as_user(admin).post("/registries/", {"name": "Vision"})
    assert response.status_code == 403
    assert "organization admin" in text(response)
    assert not Registry.objects.filter(name="Vision").exists()


def test_it_re_renders_the_form_with_the_message_for_a_bad_name(as_user, org_admin):
    response = as_user(org_admin).post("/registries/", {"name": "bad name!"}, **htmx("create"))
    assert response.status_code == 400
    body = text(response)
    assert "is not a valid registry name" in body
    assert "<html" not in body  # the fragment only
    assert 'value="bad name!"' in body


def test_it_reports_a_duplicate_registry_name(as_user, org_admin):
    response = as_user(org_admin).post("/registries/", {"name": "model"})
    assert response.status_code == 409
    assert "already exists" in text(response)


def test_it_rejects_get_on_registry_creation(as_user, org_admin):
    assert as_user(org_admin).get("/registries/").status_code == 405


def test_it_sends_htmx_to_the_new_registry_after_creating_it(as_user, org_admin):
    response = as_user(org_admin).post("/registries/", {"name": "Vision"}, **htmx("create"))
    assert response["HX-Redirect"] == "/registries/Vision/"
