from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from registry.api.auth import BAD_KEY
from registry.models import Alias, Collection, LinkedVersion
from registry.names import ignored_notice
from registry.services.api_keys import create_api_key, revoke_api_key
from registry.services.registries import (
    create_protected_alias,
    delete_protected_alias,
    update_registry,
)
from tests.api.conftest import ApiClient
from tests.factories import link_new, make_project, make_source

pytestmark = pytest.mark.django_db
ZOO = "/api/v1/registries/Model/collections/zoo/versions"


@pytest.fixture
def production(registry, admin):
    create_protected_alias(registry=registry, name="production", actor=admin)
    v0 = link_new(admin, registry, aliases=["production"])
    return v0


def link_body(source, aliases=()):
    artifact = source.artifact
    return {
        "source": {
            "entity": artifact.project.team.name,
            "project": artifact.project.name,
            "artifact": artifact.name,
            "version": f"v{source.index}",
        },
        "aliases": list(aliases),
    }


def test_it_resolves_an_alias_with_chips_metadata_and_files(api_for, viewer, production):
    response = api_for(viewer).get(f"{ZOO}/production")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == "v0"
    assert body["aliases"] == [
        {"name": "production", "kind": "protected"},
        {"name": "latest", "kind": "default"},
        {"name": "v0", "kind": "default"},
    ]
    assert body["files"][0]["path"] == "weights.bin"
    assert response["ETag"]


def test_it_resolves_latest_and_vn(api_for, restricted_viewer, registry, member):
    link_new(member, registry)
    link_new(member, registry)
    client = api_for(restricted_viewer)
    assert client.get(f"{ZOO}/latest").json()["version"] == "v1"
    assert client.get(f"{ZOO}/V0").json()["version"] == "v0"


def test_it_answers_304_when_nothing_changed(api_for, viewer, production):
    client = api_for(viewer)
    etag = client.get(f"{ZOO}/production")["ETag"]
    response = client.get(f"{ZOO}/production", **{"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""


def test_its_304_path_uses_few_queries(api_for, viewer, production):
    client = api_for(viewer)
    etag = client.get(f"{ZOO}/production")["ETag"]
    client.get(f"{ZOO}/production")  # last_used_at already recorded: no write on the poll
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"{ZOO}/production", **{"If-None-Match": etag}).status_code == 304
    # The API key, the version and its fingerprint in one round trip: no ORM, no role lookup.
    assert len(queries) == 1, [q["sql"] for q in queries]


def test_its_session_path_resolves_too(viewer, production):
    client = Client()
    client.force_login(viewer)
    response = client.get(f"{ZOO}/production")
    assert response.status_code == 200
    assert response.json()["version"] == "v0"


@pytest.mark.parametrize("ref", ["production", "latest", "v0", "missing", "v9"])
def test_it_refuses_a_bad_key_before_saying_what_exists(registry, production, ref):
    response = ApiClient("reg_not-a-real-key").get(f"{ZOO}/{ref}")
    assert response.status_code == 401
    assert response.json() == {"detail": BAD_KEY}


def test_it_refuses_a_revoked_key_or_an_inactive_user(member, production):
    key, raw = create_api_key(user=member, name="ci")
    assert ApiClient(raw).get(f"{ZOO}/production").status_code == 200
    revoke_api_key(user=member, key_id=key.pk)
    assert ApiClient(raw).get(f"{ZOO}/production").status_code == 401
    _, raw = create_api_key(user=member, name="ci2")
    member.is_active = False
    member.save()
    assert ApiClient(raw).get(f"{ZOO}/production").status_code == 401


def test_it_records_the_keys_last_use_on_resolve(member, production):
    key, raw = create_api_key(user=member, name="ci")
    assert ApiClient(raw).get(f"{ZOO}/production").status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_a_stranger_with_a_valid_key_gets_404_on_a_restricted_registry(
    api_for, stranger, restricted, member
):
    link_new(member, restricted, collection="secret", aliases=["staging"])
    url = f"/api/v1/registries/{restricted.name}/collections/secret/versions/staging"
    assert api_for(member).get(url).status_code == 200
    response = api_for(stranger).get(url)
    assert response.status_code == 404
    assert response.json()["detail"] == (
        "Registry 'Secret' does not exist or you do not have access to it."
    )


@pytest.mark.parametrize(
    "change",
    ["move_alias", "new_version", "tag", "protect", "description"],
)
def test_its_etag_changes_when_the_answer_changes(api_for, admin, registry, production, change):
    client = api_for(admin)
    etag = client.get(f"{ZOO}/v0")["ETag"]
    if change == "move_alias":
        link_new(admin, registry)
        client.post(f"{ZOO}/v1/aliases", {"name": "production"})
    elif change == "new_version":
        link_new(admin, registry)
    elif change == "tag":
        client.post(f"{ZOO}/v0/tags", {"names": ["gold"]})
    elif change == "protect":  # the chip v0 shows is no longer gray
        delete_protected_alias(registry=registry, name="production", actor=admin)
    elif change == "description":
        LinkedVersion.objects.filter(index=0).update(description="changed")
    response = client.get(f"{ZOO}/v0", **{"If-None-Match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_its_etag_stays_when_nothing_it_shows_changes(api_for, admin, registry, production):
    client = api_for(admin)
    etag = client.get(f"{ZOO}/v0")["ETag"]
    create_protected_alias(registry=registry, name="staging", actor=admin)  # v0 holds none
    assert client.get(f"{ZOO}/v0", **{"If-None-Match": etag}).status_code == 304


def test_it_links_a_source_creating_the_collection(api_for, member, registry):
    source = make_source(member, project=make_project(member, "member", "p"))
    response = api_for(member).post(
        "/api/v1/registries/Model/collections/fresh/versions",
        link_body(source, ["candidate", "latest"]),
    )
    assert response.status_code == 201, response.content
    assert [c["name"] for c in response.json()["aliases"]] == ["candidate", "latest", "v0"]
    assert Collection.objects.filter(name="fresh", type="model").exists()


def test_linking_the_same_source_twice_returns_the_existing_version(api_for, member, registry):
    source = make_source(member, project=make_project(member, "member", "p"))
    client = api_for(member)
    client.post(f"{ZOO}", link_body(source))
    response = client.post(f"{ZOO}", link_body(source, ["best"]))
    assert response.status_code == 200
    assert response.json()["version"] == "v0"
    assert LinkedVersion.objects.count() == 1


def test_it_refuses_a_type_the_registry_does_not_accept(api_for, member, admin, registry):
    source = make_source(member, type_="dataset", project=make_project(member, "member", "p"))
    response = api_for(member).post(f"{ZOO}", link_body(source, ["a"]))
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Registry 'Model' accepts only 'model'; 'dataset' artifacts cannot be linked to it. "
        "A registry admin can add 'dataset' to the accepted types in the registry settings."
    )
    assert not Collection.objects.exists()
    update_registry(registry=registry, actor=admin, add_types=["dataset"])
    assert api_for(member).post(f"{ZOO}", link_body(source, ["a"])).status_code == 201


def test_it_refuses_linking_by_a_viewer(api_for, viewer, registry):
    source = make_source(viewer, project=make_project(viewer, "viewer", "p"))
    response = api_for(viewer).post(f"{ZOO}", link_body(source))
    assert response.status_code == 403
    assert "needs the Member role" in response.json()["detail"]


def test_it_hides_a_source_of_another_entity(api_for, member, admin, registry):
    source = make_source(admin, project=make_project(admin, "admins-team", "p"))
    response = api_for(member).post(f"{ZOO}", link_body(source))
    assert response.status_code == 404
    assert "not a member of entity 'admins-team'" in response.json()["detail"]


def test_a_failed_link_changes_nothing(api_for, member, registry, admin):
    create_protected_alias(registry=registry, name="production", actor=admin)
    source = make_source(member, project=make_project(member, "member", "p"))
    response = api_for(member).post(f"{ZOO}", link_body(source, ["ok", "production"]))
    assert response.status_code == 403
    assert not Collection.objects.exists() and not Alias.objects.exists()


def test_it_moves_an_alias(api_for, member, registry):
    link_new(member, registry, aliases=["candidate"])
    link_new(member, registry)
    response = api_for(member).post(f"{ZOO}/v1/aliases", {"name": "candidate"})
    assert response.status_code == 200
    assert {"name": "candidate", "kind": "custom"} in response.json()["aliases"]
    assert Alias.objects.get(name="candidate").version.index == 1


def test_it_refuses_a_member_moving_a_protected_alias(api_for, member, admin, registry, production):
    link_new(admin, registry)
    response = api_for(member).post(f"{ZOO}/v1/aliases", {"name": "production"})
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "'production' is a protected alias in registry 'Model'; only registry admins can move it."
    )
    assert Alias.objects.get(name="production").version.index == 0


def test_it_ignores_reserved_aliases_and_says_so(api_for, member, registry):
    link_new(member, registry)
    response = api_for(member).post(f"{ZOO}/v0/aliases", {"names": ["latest", "v7", "prod"]})
    assert response.status_code == 200
    body = response.json()
    assert body["ignored_aliases"] == ["latest", "v7"]
    assert body["notice"] == ignored_notice(["latest", "v7"])
    assert [c["name"] for c in body["aliases"] if c["kind"] == "custom"] == ["prod"]


def test_a_link_with_a_reserved_alias_goes_through(api_for, member, registry):
    link_new(member, registry, aliases=["old"])
    source = {"entity": "team", "project": "proj", "artifact": "zoo-model", "version": "v0"}
    response = api_for(member).post(ZOO, {"source": source, "aliases": ["prod", "v7"]})
    assert response.status_code == 200
    assert response.json()["ignored_aliases"] == ["v7"]
    assert "'v7'" in response.json()["notice"]


def test_names_are_taken_as_given_and_name_is_split_at_commas(api_for, member, registry):
    link_new(member, registry)
    client = api_for(member)
    body = client.post(f"{ZOO}/v0/aliases", {"names": ["día, noche", "prod@eu+1"]}).json()
    assert sorted(c["name"] for c in body["aliases"] if c["kind"] == "custom") == [
        "día, noche",
        "prod@eu+1",
    ]
    body = client.post(f"{ZOO}/v0/aliases", {"name": "a, b"}).json()
    assert {"a", "b"} <= {c["name"] for c in body["aliases"]}
    refused = client.post(f"{ZOO}/v0/aliases", {"names": [" padded"]})
    assert refused.status_code == 400
    assert "does not start or end with a space" in refused.json()["detail"]


def test_it_refuses_a_viewer_adding_an_alias(api_for, viewer, production):
    response = api_for(viewer).post(f"{ZOO}/v0/aliases", {"name": "x"})
    assert response.status_code == 403


def test_it_removes_an_alias(api_for, member, registry):
    link_new(member, registry, aliases=["candidate"])
    response = api_for(member).delete(f"{ZOO}/v0/aliases/candidate")
    assert response.status_code == 200
    assert not Alias.objects.exists()
    again = api_for(member).delete(f"{ZOO}/v0/aliases/candidate")
    assert again.status_code == 404


def test_it_adds_and_removes_version_tags(api_for, member, registry):
    link_new(member, registry)
    client = api_for(member)
    assert client.post(f"{ZOO}/v0/tags", {"names": ["gold"]}).json()["tags"] == ["gold"]
    assert client.delete(f"{ZOO}/v0/tags/gold").json()["tags"] == []
    bad = client.post(f"{ZOO}/v0/tags", {"names": ["two  spaces!"]})
    assert bad.status_code == 400 and "not a valid tag" in bad.json()["detail"]


def test_it_unlinks_and_never_reuses_the_index(api_for, member, registry):
    link_new(member, registry)
    link_new(member, registry)
    client = api_for(member)
    assert client.delete(f"{ZOO}/v1").status_code == 204
    link_new(member, registry)
    assert client.get(f"{ZOO}/latest").json()["version"] == "v2"


def test_it_refuses_a_member_unlinking_a_protected_version(api_for, member, production):
    response = api_for(member).delete(f"{ZOO}/v0")
    assert response.status_code == 403
    assert "only registry admins can unlink it" in response.json()["detail"]


def test_it_hides_restricted_registries_from_strangers(api_for, stranger, restricted, member):
    link_new(member, restricted)
    response = api_for(stranger).get("/api/v1/registries/Secret/collections/zoo/versions/v0")
    assert response.status_code == 404
    assert response.json()["detail"] == (
        "Registry 'Secret' does not exist or you do not have access to it."
    )


def test_it_names_an_unknown_ref(api_for, viewer, production):
    response = api_for(viewer).get(f"{ZOO}/nope")
    assert response.status_code == 404
    assert "'nope' does not name a version of 'zoo'" in response.json()["detail"]


def test_it_lists_versions_newest_first(api_for, viewer, registry, member):
    link_new(member, registry, aliases=["a"])
    link_new(member, registry)
    body = api_for(viewer).get(ZOO).json()
    assert [v["version"] for v in body] == ["v1", "v0"]


def test_it_streams_a_file_with_length_and_etag(api_for, viewer, registry, member):
    source = make_source(member, content=b"model bytes")
    from registry.services.linking import link_version

    link_version(registry=registry, collection_name="zoo", source=source, actor=member)
    response = api_for(viewer).get(f"{ZOO}/v0/files/weights.bin")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"model bytes"
    assert response["Content-Length"] == "11"
    assert response["ETag"] == f'"{source.files.get().blob_id}"'


def test_it_refuses_downloads_by_a_restricted_viewer(api_for, restricted_viewer, restricted, admin):
    link_new(admin, restricted)
    url = "/api/v1/registries/Secret/collections/zoo/versions/v0"
    assert api_for(restricted_viewer).get(url).status_code == 200
    response = api_for(restricted_viewer).get(f"{url}/files/weights.bin")
    assert response.status_code == 403
    assert "needs the Viewer role" in response.json()["detail"]


def test_it_names_a_missing_file(api_for, viewer, production):
    response = api_for(viewer).get(f"{ZOO}/v0/files/dir/other.bin")
    assert response.status_code == 404
    assert "has no file 'dir/other.bin'" in response.json()["detail"]


def test_use_records_lineage(api_for, viewer, production):
    client = api_for(viewer)
    run = client.post("/api/v1/runs", {"entity": "viewer", "project": "p"}).json()
    response = client.post(
        f"{ZOO}/production/use", {"entity": "viewer", "project": "p", "run_id": run["id"]}
    )
    assert response.status_code == 200
    assert production.source.run_links.filter(kind="used").count() == 1


def test_a_revalidated_body_shows_the_change(api_for, admin, registry, production):
    client = api_for(admin)
    before = client.get(f"{ZOO}/v0")
    assert client.get(f"{ZOO}/v0").content == before.content  # served again, unchanged
    client.post(f"{ZOO}/v0/tags", {"names": ["gold"]})
    after = client.get(f"{ZOO}/v0", **{"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert after.json()["tags"] == ["gold"]
    assert after.json() == {**before.json(), "tags": ["gold"]}


def test_a_stranger_gets_404_even_with_a_valid_etag(
    api_for, restricted_viewer, stranger, restricted, admin
):
    link_new(admin, restricted, aliases=["prod"])
    url = "/api/v1/registries/Secret/collections/zoo/versions/prod"
    etag = api_for(restricted_viewer).get(url)["ETag"]
    assert api_for(restricted_viewer).get(url, **{"If-None-Match": etag}).status_code == 304
    response = api_for(stranger).get(url, **{"If-None-Match": etag})
    assert response.status_code == 404
    assert "Registry 'Secret' does not exist" in response.json()["detail"]
