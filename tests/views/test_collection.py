from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import ArtifactVersion, Collection, CollectionTag
from tests.views.conftest import bulk_versions, htmx, text

pytestmark = pytest.mark.django_db
URL = "/registries/Model/zoo/"


def test_it_shows_versions_with_chips_and_view_links(as_user, viewer, zoo):
    response = as_user(viewer).get(URL)
    assert response.status_code == 200
    body = text(response)
    assert 'id="versions-title">Versions' in body
    assert body.count(">View</a>") == 3
    assert 'href="/registries/Model/zoo/v1/"' in body
    assert 'data-alias-kind="custom"><span class="chip-name">best_model' in body
    assert 'aria-label="protected"' in body
    assert '<span class="chip-name">latest</span>' in body


def test_it_returns_404_for_an_unknown_collection(as_user, viewer, zoo):
    response = as_user(viewer).get("/registries/Model/nope/")
    assert response.status_code == 404
    assert "Collection 'nope' does not exist" in text(response)


def test_it_hides_a_restricted_collection_from_a_stranger(as_user, stranger, secret_zoo):
    assert as_user(stranger).get("/registries/Secret/vault/").status_code == 404


def test_it_returns_only_the_versions_fragment_to_htmx(as_user, viewer, zoo):
    response = as_user(viewer).get(URL + "?page=1", **htmx("versions"))
    body = text(response)
    assert body.lstrip().startswith('<section id="versions"')
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_it_paginates_versions(as_user, viewer, zoo, org_admin, settings):
    settings.REGISTRY_PAGE_SIZE = 2
    client = as_user(viewer)
    first = client.get(URL).content.decode()
    assert "Page 1 of 2" in first
    assert first.count(">View</a>") == 2
    second = client.get(URL + "?page=2").content.decode()
    assert second.count(">View</a>") == 1
    assert 'href="/registries/Model/zoo/v0/"' in second


def test_it_edits_the_description_for_a_member(as_user, member, zoo):
    client = as_user(member)
    form = client.get(URL + "description/", **htmx("description"))
    assert 'name="description"' in form.content.decode()
    response = client.post(URL + "description/", {"description": "Zoo classifiers"}, **htmx())
    assert response.status_code == 200
    assert "Zoo classifiers" in text(response)
    zoo["collection"].refresh_from_db()
    assert zoo["collection"].description == "Zoo classifiers"


def test_it_redirects_a_plain_description_post_back_to_the_collection(as_user, member, zoo):
    response = as_user(member).post(URL + "description/", {"description": "x"})
    assert response.status_code == 302
    assert response["Location"] == URL


def test_it_refuses_description_edits_to_a_viewer(as_user, viewer, zoo):
    client = as_user(viewer)
    assert client.get(URL + "description/").status_code == 403
    response = client.post(URL + "description/", {"description": "x"})
    assert response.status_code == 403
    assert "needs the Member role" in text(response)


def test_it_hides_edit_controls_from_a_viewer(as_user, viewer, zoo):
    body = as_user(viewer).get(URL).content.decode()
    assert "Edit description" not in body
    assert "Add tag" not in body


def test_it_adds_and_removes_collection_tags(as_user, member, zoo):
    client = as_user(member)
    response = client.post(URL + "tags/", {"tags": "vision, tabular"}, **htmx())
    assert response.status_code == 200
    assert "Remove tag vision" in text(response)
    response = client.post(URL + "tags/vision/remove/")
    assert response.status_code == 302
    names = list(CollectionTag.objects.values_list("name", flat=True))
    assert names == ["tabular"]


def test_it_shows_an_invalid_tag_in_the_fragment(as_user, member, zoo):
    response = as_user(member).post(URL + "tags/", {"tags": "bad/tag"}, **htmx())
    assert response.status_code == 400
    assert "is not a valid tag" in text(response)


def test_it_refuses_tag_changes_to_a_viewer(as_user, viewer, zoo):
    assert as_user(viewer).post(URL + "tags/", {"tags": "x"}).status_code == 403


def test_it_rejects_get_on_tag_endpoints(as_user, member, zoo):
    client = as_user(member)
    assert client.get(URL + "tags/").status_code == 405
    assert client.get(URL + "tags/x/remove/").status_code == 405
    assert client.post(URL).status_code == 405


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_it_runs_a_fixed_number_of_queries_for_10_and_500_versions(
    as_user, viewer, registry, org_admin, django_assert_num_queries
):
    collection = bulk_versions_collection(registry, org_admin, 10)
    client = as_user(viewer)
    client.get(URL)  # warm the session
    with_10 = _count(client, URL)
    bulk_versions(collection, org_admin, 490)
    with django_assert_num_queries(with_10):
        response = client.get(URL)
    assert response.content.decode().count(">View</a>") == 50


def bulk_versions_collection(registry, actor, count):
    from tests.factories import link_new

    first = link_new(actor, registry, "zoo")
    bulk_versions(first.collection, actor, count - 1)
    return first.collection


DELETE = URL + "delete/"


def test_it_asks_for_confirmation_before_deleting_a_collection(as_user, member, registry):
    from tests.factories import link_new

    link_new(member, registry, "zoo", aliases=["candidate"])
    client = as_user(member)
    page = client.get(URL)
    assert "Delete collection" in text(page)
    response = client.get(DELETE)
    assert response.status_code == 200
    assert "Delete 'zoo' from 'Model' with its 1 linked version" in text(response)
    assert Collection.objects.filter(name="zoo").exists()


def test_it_deletes_a_collection_and_redirects_to_the_registry(as_user, member, registry):
    from tests.factories import link_new

    source = link_new(member, registry, "zoo").source
    response = as_user(member).post(DELETE)
    assert response.status_code == 302
    assert response["Location"] == "/registries/Model/"
    assert not Collection.objects.filter(name="zoo").exists()
    assert ArtifactVersion.objects.filter(pk=source.pk).exists()  # sources are kept


def test_it_tells_htmx_to_go_to_the_registry_after_deleting(as_user, member, registry):
    from tests.factories import link_new

    link_new(member, registry, "zoo")
    response = as_user(member).post(DELETE, **htmx())
    assert response["HX-Redirect"] == "/registries/Model/"


def test_it_refuses_a_member_deleting_a_collection_with_a_protected_alias(as_user, member, zoo):
    client = as_user(member)
    page = client.get(URL)
    assert "Delete collection" not in text(page)
    assert "only registry admins can delete this collection" in text(page)
    refused = client.get(DELETE)
    assert refused.status_code == 403
    assert "holds the protected alias 'production'" in text(refused)
    assert client.post(DELETE).status_code == 403
    assert Collection.objects.filter(name="zoo").exists()


def test_an_admin_deletes_a_collection_with_a_protected_alias(as_user, admin, zoo):
    assert as_user(admin).post(DELETE).status_code == 302
    assert not Collection.objects.filter(name="zoo").exists()


def test_it_refuses_deleting_to_a_viewer_and_hides_it_from_a_stranger(
    as_user, viewer, stranger, zoo, secret_zoo
):
    client = as_user(viewer)
    assert "Delete collection" not in text(client.get(URL))
    assert client.get(DELETE).status_code == 403
    assert client.post(DELETE).status_code == 403
    stranger_client = as_user(stranger)
    assert stranger_client.post("/registries/Secret/vault/delete/").status_code == 404
    assert Collection.objects.filter(name="vault").exists()


def test_it_rejects_other_methods_on_delete(as_user, member, zoo):
    assert as_user(member).put(DELETE).status_code == 405
