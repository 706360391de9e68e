"""GET /api/v1/registries/<registry>/collections/<collection>/compare?base=…&head=…"""

from __future__ import annotations

import pytest

from tests.factories import link_files

pytestmark = pytest.mark.django_db
COMPARE = "/api/v1/registries/Model/collections/zoo/compare"


@pytest.fixture
def pair(registry, member):
    link_files(
        member,
        registry,
        {"a.txt": b"one", "b.txt": b"two"},
        metadata={"train": {"lr": 0.1}, "gone": None},
        aliases=["production"],
    )
    link_files(
        member,
        registry,
        {"a.txt": b"one", "b.txt": b"2", "c.txt": b"three"},
        metadata={"train": {"lr": 0.01}},
    )


def test_it_compares_two_versions_by_alias_or_vn(api_for, viewer, pair):
    response = api_for(viewer).get(f"{COMPARE}?base=production&head=latest")
    assert response.status_code == 200
    body = response.json()
    assert (body["base"]["version"], body["head"]["version"]) == ("v0", "v1")
    assert body["summary"] == "1 file changed, 1 added; 1 metadata key changed, 1 removed"
    assert body["file_counts"] == {"added": 1, "removed": 0, "changed": 1, "unchanged": 1}
    assert [(f["path"], f["change"]) for f in body["files"]] == [
        ("b.txt", "changed"),
        ("c.txt", "added"),
    ]
    assert body["files"][1]["base"] is None and body["files"][1]["head"]["size"] == 5
    assert body["metadata"] == [
        {"key": "gone", "change": "removed", "base": None, "head": None},
        {"key": "train.lr", "change": "changed", "base": 0.1, "head": 0.01},
    ]
    assert body["aliases"]["removed"] == ["production"]
    assert body["base"]["source"] == "team/proj/zoo-model:v0"


def test_it_says_which_reference_names_nothing(api_for, viewer, pair):
    response = api_for(viewer).get(f"{COMPARE}?base=v0&head=ghost")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "'ghost' does not name a version of 'zoo' (try an alias, vN or latest)."
    }


def test_it_hides_a_restricted_registry_from_a_stranger(api_for, stranger, restricted, member):
    link_files(member, restricted, {"a": b"1"})
    response = api_for(stranger).get(
        "/api/v1/registries/Secret/collections/zoo/compare?base=v0&head=v0"
    )
    assert response.status_code == 404


def test_it_needs_both_references(api_for, viewer, pair):
    response = api_for(viewer).get(f"{COMPARE}?base=v0")
    assert response.status_code == 400
    assert "head" in response.json()["detail"]
