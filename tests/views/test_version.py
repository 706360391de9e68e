from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import RunArtifact
from registry.services import aliases, artifacts
from tests.factories import link_new
from tests.views.conftest import bulk_versions, htmx, text

pytestmark = pytest.mark.django_db
URL = "/registries/Model/zoo/v1/"


def test_it_shows_the_version_with_aliases_files_metadata_and_usage(as_user, viewer, zoo):
    response = as_user(viewer).get(URL)
    assert response.status_code == 200
    body = text(response)
    assert 'id="aliases-label">Aliases' in body
    assert 'data-alias-kind="protected"' in body
    assert 'use_artifact("wandb-registry-Model/zoo:production")' in body
    assert 'href="/registries/Model/zoo/v1/files/weights.bin"' in body
    assert 'id="metadata-title">Metadata' in body
    assert "Source artifact" in body
    assert "Alias history" in body


def test_it_shows_metadata_as_pretty_json(as_user, viewer, registry, org_admin):
    from registry.services.linking import link_version
    from tests.factories import make_source

    source = make_source(org_admin, metadata={"accuracy": 0.9, "layers": [1, 2]})
    link_version(registry=registry, collection_name="zoo", source=source, actor=org_admin)
    body = text(as_user(viewer).get("/registries/Model/zoo/v0/"))
    assert '"accuracy": 0.9,\n  "layers": [\n    1,' in body


def test_it_shows_the_run_that_produced_and_used_the_version(as_user, viewer, registry, org_admin):
    from registry.services.linking import link_version
    from tests.factories import make_source

    run = artifacts.create_run(entity="team", project="proj", actor=org_admin, name="train-7")
    source = make_source(org_admin)
    source.created_run = run
    source.save()
    linked, _ = link_version(
        registry=registry, collection_name="zoo", source=source, actor=org_admin
    )
    user_run = artifacts.create_run(entity="team", project="proj", actor=org_admin, name="eval-3")
    RunArtifact.objects.create(run=user_run, version=source, kind=RunArtifact.Kind.USED)
    body = text(as_user(viewer).get("/registries/Model/zoo/v0/"))
    assert "<code>train-7</code>" in body
    assert "<code>eval-3</code>" in body


def test_it_returns_404_for_a_missing_version(as_user, viewer, zoo):
    response = as_user(viewer).get("/registries/Model/zoo/v9/")
    assert response.status_code == 404
    assert "'v9' does not name a version of 'zoo'" in text(response)


def test_it_hides_a_restricted_version_from_a_stranger(as_user, stranger, secret_zoo):
    assert as_user(stranger).get("/registries/Secret/vault/v0/").status_code == 404


def test_it_rejects_post_on_the_version_page(as_user, admin, zoo):
    assert as_user(admin).post(URL).status_code == 405


def test_it_shows_the_add_alias_button_to_members_only(as_user, member, viewer, zoo):
    assert 'aria-label="Add alias"' in text(as_user(member).get(URL))
    assert 'aria-label="Add alias"' not in text(as_user(viewer).get(URL))


def test_it_lets_a_member_remove_custom_but_not_protected_aliases(as_user, member, admin, zoo):
    body = text(as_user(member).get("/registries/Model/zoo/v0/"))
    assert 'aria-label="Remove alias best_model"' in body
    member_v1 = text(as_user(member).get(URL))
    assert 'aria-label="Remove alias production"' not in member_v1
    assert 'aria-label="Remove alias production"' in text(as_user(admin).get(URL))


def test_it_never_offers_to_remove_default_aliases(as_user, admin, zoo):
    body = text(as_user(admin).get("/registries/Model/zoo/v2/"))
    assert "Remove alias latest" not in body
    assert "Remove alias v2" not in body


def test_it_explains_instead_of_offering_unlink_of_a_protected_version(as_user, member, zoo):
    body = text(as_user(member).get(URL))
    assert "Unlink v1" not in body
    assert "only registry admins can unlink it" in body
    assert "Unlink v0" in text(as_user(member).get("/registries/Model/zoo/v0/"))


def test_it_hides_download_links_from_a_restricted_viewer(as_user, restricted_viewer, secret_zoo):
    # In an organization registry everyone is at least Viewer; Secret is restricted.
    body = text(as_user(restricted_viewer).get("/registries/Secret/vault/v0/"))
    assert "weights.bin" in body
    assert "/files/weights.bin" not in body
    assert "downloads need the Viewer role" in body


def test_it_returns_the_history_fragment_to_htmx(as_user, viewer, zoo):
    response = as_user(viewer).get(URL, **htmx("history"))
    body = text(response)
    assert body.lstrip().startswith('<section class="panel" id="history"')
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_it_offers_to_move_a_moved_alias_back(as_user, member, zoo):
    v0, v1, v2 = zoo["versions"]
    aliases.add_alias(version=v2, name="best_model", actor=member)
    body = text(as_user(member).get("/registries/Model/zoo/v2/"))
    assert "best_model" in body and "moved v0 → v2" in re.sub(r"<[^>]+>", "", body)
    # The version numbers in the history are links to those versions.
    assert 'href="/registries/Model/zoo/v0/">v0</a>' in body
    assert "Move best_model back to v0" in body


def test_it_offers_protected_move_back_to_admins_only(as_user, member, admin, zoo):
    v0, v1, v2 = zoo["versions"]
    aliases.add_alias(version=v2, name="production", actor=admin)
    assert "Move production back to v1" in text(as_user(admin).get("/registries/Model/zoo/v2/"))
    assert "Move production back to v1" not in text(
        as_user(member).get("/registries/Model/zoo/v2/")
    )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["member", "admin"])
def test_it_runs_a_fixed_number_of_queries_for_10_and_500_rows(
    request, as_user, persona, registry, org_admin, django_assert_num_queries
):
    """500 versions in the collection, 500 alias events, and a version with 500 files."""
    first = link_new(org_admin, registry, "zoo", aliases=["best"])
    collection = first.collection
    bulk_versions(collection, org_admin, 9)
    (target,) = bulk_versions(collection, org_admin, 1, files_per_version=10)
    url = f"/registries/Model/zoo/v{target.index}/"
    client = as_user(request.getfixturevalue(persona))
    client.get(url)
    with_10 = _count(client, url)
    bulk_versions(collection, org_admin, 489)
    (big,) = bulk_versions(collection, org_admin, 1, files_per_version=500)
    big_url = f"/registries/Model/zoo/v{big.index}/"
    with django_assert_num_queries(with_10):
        response = client.get(big_url)
    assert text(response).count("/files/file-") == 500
    with django_assert_num_queries(with_10):
        client.get(url)
