from __future__ import annotations

import pytest

from registry.models import Collection
from tests.views.conftest import htmx, text

pytestmark = pytest.mark.django_db


def test_it_lists_collections_with_view_details(as_user, viewer, zoo):
    response = as_user(viewer).get("/registries/Model/")
    assert response.status_code == 200
    body = text(response)
    assert ">View details</a>" in body
    assert 'href="/registries/Model/zoo/"' in body
    assert '<code class="type">model</code>' in body
    assert response["Vary"].startswith("HX-Request") or "HX-Request" in response["Vary"]


def test_it_finds_the_registry_case_insensitively(as_user, viewer, zoo):
    assert as_user(viewer).get("/registries/model/").status_code == 200


def test_it_hides_a_restricted_registry_from_a_stranger(as_user, stranger, secret_zoo):
    response = as_user(stranger).get("/registries/Secret/")
    assert response.status_code == 404
    assert "does not exist or you do not have access" in text(response)


def test_it_shows_the_gear_link_to_admins_only(as_user, admin, member, registry):
    assert "Registry settings" in as_user(admin).get("/registries/Model/").content.decode()
    assert "Registry settings" not in as_user(member).get("/registries/Model/").content.decode()


def test_it_offers_collection_creation_to_members_not_viewers(as_user, member, viewer, registry):
    assert "Create a collection" in as_user(member).get("/registries/Model/").content.decode()
    assert "Create a collection" not in as_user(viewer).get("/registries/Model/").content.decode()


def test_it_creates_a_collection_for_a_member(as_user, member, registry):
    response = as_user(member).post(
        "/registries/Model/", {"name": "zoo", "type": "model", "tags": "vision, tabular"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/registries/Model/zoo/"
    collection = Collection.objects.get(registry=registry, name="zoo")
    assert sorted(t.name for t in collection.tags.all()) == ["tabular", "vision"]


def test_it_refuses_collection_creation_to_a_viewer(as_user, viewer, registry):
    response = as_user(viewer).post("/registries/Model/", {"name": "zoo", "type": "model"})
    assert response.status_code == 403
    assert "needs the Member role" in text(response)
    assert not Collection.objects.exists()


def test_it_shows_a_refused_type_in_the_form_fragment(as_user, member, registry):
    response = as_user(member).post(
        "/registries/Model/", {"name": "zoo", "type": "dataset"}, **htmx("create")
    )
    assert response.status_code == 400
    body = text(response)
    assert "accepts only 'model'" in body
    assert "<html" not in body


def test_it_hides_collection_creation_from_a_stranger_of_a_restricted_registry(
    as_user, stranger, restricted
):
    response = as_user(stranger).post("/registries/Secret/", {"name": "x", "type": "model"})
    assert response.status_code == 404


def test_it_rejects_put(as_user, member, registry):
    assert as_user(member).put("/registries/Model/").status_code == 405


def test_it_sends_htmx_to_the_new_collection_after_creating_it(as_user, member, registry):
    response = as_user(member).post(
        "/registries/Model/", {"name": "zoo", "type": "model"}, **htmx("create")
    )
    assert response["HX-Redirect"] == "/registries/Model/zoo/"
