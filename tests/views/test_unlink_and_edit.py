"""Unlink with confirmation; version tags and description."""

from __future__ import annotations

import pytest

from registry.models import LinkedVersion, VersionTag
from tests.views.conftest import htmx, text

pytestmark = pytest.mark.django_db
V0 = "/registries/Model/zoo/v0/"
V1 = "/registries/Model/zoo/v1/"


def test_it_asks_for_confirmation_before_unlinking(as_user, member, zoo):
    response = as_user(member).get(V0 + "unlink/")
    assert response.status_code == 200
    assert "Unlink v0 from 'zoo'?" in text(response)
    assert "Aliases removed with it: 'best_model'." in text(response)
    assert LinkedVersion.objects.filter(pk=zoo["versions"][0].pk).exists()


def test_the_unlink_confirmation_names_every_alias_or_says_there_is_none(as_user, admin, zoo):
    from registry.services.aliases import add_alias

    add_alias(version=zoo["versions"][1], name="candidate", actor=admin)
    page = text(as_user(admin).get(V1 + "unlink/"))
    assert "Aliases removed with it: 'candidate', 'production'." in page
    page = text(as_user(admin).get("/registries/Model/zoo/v2/unlink/"))
    assert "It holds no alias." in page


def test_it_unlinks_and_redirects_to_the_collection(as_user, member, zoo):
    response = as_user(member).post(V0 + "unlink/")
    assert response.status_code == 302
    assert response["Location"] == "/registries/Model/zoo/"
    assert not LinkedVersion.objects.filter(pk=zoo["versions"][0].pk).exists()


def test_it_tells_htmx_to_go_to_the_collection_after_unlinking(as_user, member, zoo):
    response = as_user(member).post(V0 + "unlink/", **htmx())
    assert response["HX-Redirect"] == "/registries/Model/zoo/"


def test_it_refuses_a_member_unlinking_a_protected_version(as_user, member, zoo):
    client = as_user(member)
    page = client.get(V1 + "unlink/")
    assert page.status_code == 403
    assert "holds the protected alias 'production'" in text(page)
    response = client.post(V1 + "unlink/")
    assert response.status_code == 403
    assert "only registry admins can unlink it" in text(response)
    assert LinkedVersion.objects.filter(pk=zoo["versions"][1].pk).exists()


def test_it_lets_an_admin_unlink_a_protected_version(as_user, admin, zoo):
    assert as_user(admin).post(V1 + "unlink/").status_code == 302
    assert not LinkedVersion.objects.filter(pk=zoo["versions"][1].pk).exists()


def test_it_refuses_unlink_to_a_viewer_and_hides_it_from_a_stranger(
    as_user, viewer, stranger, zoo, secret_zoo
):
    assert as_user(viewer).post(V0 + "unlink/").status_code == 403
    assert as_user(stranger).post("/registries/Secret/vault/v0/unlink/").status_code == 404


def test_it_rejects_put_on_unlink(as_user, member, zoo):
    assert as_user(member).put(V0 + "unlink/").status_code == 405


def test_it_adds_and_removes_version_tags(as_user, member, zoo):
    client = as_user(member)
    response = client.post(V0 + "tags/", {"tags": "candidate, reviewed"}, **htmx("tags"))
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith('<div id="tags"')
    assert "Remove tag candidate" in body
    assert client.post(V0 + "tags/candidate/remove/").status_code == 302
    assert list(VersionTag.objects.values_list("name", flat=True)) == ["reviewed"]


def test_it_refuses_version_tags_to_a_viewer(as_user, viewer, zoo):
    response = as_user(viewer).post(V0 + "tags/", {"tags": "x"})
    assert response.status_code == 403
    assert not VersionTag.objects.exists()


def test_it_rejects_get_on_version_tags(as_user, member, zoo):
    assert as_user(member).get(V0 + "tags/").status_code == 405


def test_it_edits_the_version_description(as_user, member, zoo):
    client = as_user(member)
    form = client.get(V0 + "description/", **htmx("description"))
    assert 'id="description-input"' in text(form)
    response = client.post(V0 + "description/", {"description": "Best so far"}, **htmx())
    assert "Best so far" in text(response)
    assert client.post(V0 + "description/", {"description": "x"}).status_code == 302
    assert LinkedVersion.objects.get(pk=zoo["versions"][0].pk).description == "x"


def test_it_refuses_description_edits_to_a_viewer(as_user, viewer, zoo):
    assert as_user(viewer).get(V0 + "description/").status_code == 403
    assert as_user(viewer).post(V0 + "description/", {"description": "x"}).status_code == 403
