"""registry.selectors.search.search: what matches, in which group and order, and what it says."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.selectors import search as search_module
from registry.selectors.search import search
from registry.services.collections import add_collection_tags, update_collection_description
from tests.factories import link_new


def names(results, kind):
    return [hit.name for hit in results.hits[kind]]


def why(results, kind):
    return [
        (hit.name, hit.matched.field, hit.matched.value, hit.matched.kind)
        for hit in results.hits[kind]
    ]


def test_it_finds_a_version_by_its_alias_exact_then_prefix_then_substring(catalogue, stranger):
    results = search(stranger, "production")
    # Equal matches keep the order they were made in (the index order; no sort of all hits).
    assert why(results, "version") == [
        ("Model/resnet-vision:v0", "alias", "production", "exact"),
        ("Dataset/flowers-dataset:v0", "alias", "production", "exact"),
        ("Model/resnet-vision:v1", "alias", "production-eu", "prefix"),
        ("Model/zoo:v0", "alias", "preproduction", "substring"),
    ]
    assert results.counts["version"] == 4


def test_it_shows_a_version_hit_with_its_chips_and_the_matching_alias_chip(catalogue, stranger):
    hit = search(stranger, "production").hits["version"][0]
    assert hit.url == "/registries/Model/resnet-vision/v0/"
    assert [(c.name, c.kind) for c in hit.chips] == [("production", "protected"), ("v0", "default")]
    assert (hit.matched_chip.name, hit.matched_chip.kind) == ("production", "protected")
    v1 = search(stranger, "production-eu").hits["version"][0]
    assert [(c.name, c.kind) for c in v1.chips] == [
        ("old", "custom"),
        ("production-eu", "custom"),
        ("latest", "default"),
        ("v1", "default"),
    ]


def test_it_is_case_insensitive_and_matches_partial_words(catalogue, stranger):
    assert names(search(stranger, "PRODUCTION-E"), "version") == ["Model/resnet-vision:v1"]
    assert names(search(stranger, "Res"), "collection") == ["Model/resnet-vision"]
    assert names(search(stranger, "eu"), "version") == ["Model/resnet-vision:v1"]


def test_it_matches_collection_names_tags_and_descriptions(catalogue, stranger, org_admin):
    assert why(search(stranger, "zoo"), "collection") == [("Model/zoo", "name", "zoo", "exact")]
    assert why(search(stranger, "resnet-v"), "collection") == [
        ("Model/resnet-vision", "name", "resnet-vision", "prefix")
    ]
    assert why(search(stranger, "net-vis"), "collection") == [
        ("Model/resnet-vision", "name", "resnet-vision", "substring")
    ]
    assert why(search(stranger, "vision"), "collection") == [
        ("Model/resnet-vision", "tag", "vision", "exact")
    ]
    results = search(stranger, "photos")
    assert why(results, "collection") == [
        ("Model/resnet-vision", "description", "Image classifier for product photos", "substring")
    ]
    add_collection_tags(collection=catalogue.zoo_v0.collection, names=["Animals"], actor=org_admin)
    assert why(search(stranger, "animal"), "collection") == [
        ("Model/zoo", "tag", "Animals", "prefix")
    ]


def test_it_ranks_a_collection_name_above_a_tag_above_a_description(catalogue, stranger, org_admin):
    tagged = link_new(org_admin, catalogue.model, "alpha").collection
    add_collection_tags(collection=tagged, names=["photos"], actor=org_admin)
    named = link_new(org_admin, catalogue.model, "photos").collection
    update_collection_description(collection=named, description="no match", actor=org_admin)
    assert names(search(stranger, "photos"), "collection") == [
        "Model/photos",
        "Model/alpha",
        "Model/resnet-vision",
    ]


def test_it_matches_version_tags(catalogue, stranger):
    assert why(search(stranger, "baseline"), "version") == [
        ("Model/resnet-vision:v1", "tag", "baseline", "exact")
    ]


def test_it_matches_registry_names_and_descriptions(catalogue, member):
    assert why(search(member, "mod"), "registry")[0] == ("Model", "name", "Model", "prefix")
    assert why(search(member, "model"), "registry")[0] == ("Model", "name", "Model", "exact")
    assert why(search(member, "hush"), "registry") == [
        ("Secret", "description", "Hush-hush models", "substring")
    ]


def test_it_does_not_match_the_derived_latest_and_vn(catalogue, stranger):
    assert search(stranger, "latest").hits["version"] == []
    assert search(stranger, "v1").hits["version"] == []


def test_it_filters_by_alias(catalogue, stranger):
    results = search(stranger, "alias:PRODUCTION")
    assert names(results, "version") == ["Model/resnet-vision:v0", "Dataset/flowers-dataset:v0"]
    assert results.hits["collection"] == [] and results.hits["registry"] == []
    assert why(search(stranger, "alias:production best"), "version") == [
        ("Model/resnet-vision:v0", "tag", "best", "exact"),
        ("Dataset/flowers-dataset:v0", "tag", "best", "exact"),
    ]
    assert names(search(stranger, "alias:production-eu old"), "version") == [
        "Model/resnet-vision:v1"
    ]
    assert names(search(stranger, "alias:prod"), "version") == []  # a filter names a whole alias


def test_it_filters_by_tag(catalogue, stranger):
    results = search(stranger, "tag:best")
    assert why(results, "version") == [
        ("Model/resnet-vision:v0", "tag", "best", "filter"),
        ("Dataset/flowers-dataset:v0", "tag", "best", "filter"),
    ]
    assert why(search(stranger, "tag:vision"), "collection") == [
        ("Model/resnet-vision", "tag", "vision", "filter")
    ]
    assert names(search(stranger, "tag:best production"), "version") == [
        "Model/resnet-vision:v0",
        "Dataset/flowers-dataset:v0",
    ]


def test_it_filters_by_type(catalogue, stranger):
    assert names(search(stranger, "type:dataset"), "collection") == ["Dataset/flowers-dataset"]
    assert names(search(stranger, "type:dataset production"), "version") == [
        "Dataset/flowers-dataset:v0"
    ]
    assert search(stranger, "type:dataset").hits["registry"] == []


def test_it_filters_by_registry(catalogue, stranger):
    results = search(stranger, "registry:model")
    assert names(results, "registry") == ["Model"]
    assert names(results, "collection") == ["Model/resnet-vision", "Model/zoo"]
    assert names(search(stranger, "registry:Dataset production"), "version") == [
        "Dataset/flowers-dataset:v0"
    ]


def test_it_filters_by_collection(catalogue, stranger):
    results = search(stranger, "collection:RESNET-vision")
    assert why(results, "collection") == [
        ("Model/resnet-vision", "collection", "resnet-vision", "filter")
    ]
    assert results.hits["version"] == [] and results.hits["registry"] == []
    assert names(search(stranger, "collection:resnet-vision production"), "version") == [
        "Model/resnet-vision:v0",
        "Model/resnet-vision:v1",
    ]
    assert names(search(stranger, "collection:zoo alias:production"), "version") == []
    assert search(stranger, "collection:resnet").count == 0  # a filter names a whole name


@pytest.mark.parametrize(
    "q",
    [
        "Model/resnet-vision:production",
        "model/RESNET-VISION:Production",
        "wandb-registry-model/resnet-vision:production",
        "my-org/wandb-registry-Model/resnet-vision:production",
    ],
)
def test_it_finds_a_version_by_its_path(catalogue, stranger, q):
    results = search(stranger, q)
    assert why(results, "version") == [("Model/resnet-vision:v0", "alias", "production", "filter")]
    assert results.hits["collection"] == [] and results.hits["registry"] == []


def test_a_path_to_a_collection_or_a_vn_lists_the_collection(catalogue, stranger):
    for q in ["Model/resnet-vision", "Model/resnet-vision:v1", "Model/resnet-vision:latest"]:
        results = search(stranger, q)
        assert names(results, "collection") == ["Model/resnet-vision"], q
        assert results.hits["version"] == [], q
    assert search(stranger, "Dataset/resnet-vision:production").count == 0


def test_a_path_never_reaches_a_restricted_registry(catalogue, stranger, member):
    assert search(stranger, "Secret/secret-zoo:production").count == 0
    assert search(stranger, "Secret/secret-zoo").count == 0
    assert names(search(member, "Secret/secret-zoo:production"), "version") == [
        "Secret/secret-zoo:v0"
    ]


def test_it_explains_an_unknown_filter_instead_of_ignoring_it(catalogue, stranger):
    results = search(stranger, "foo:bar production")
    assert results.hint == (
        "Unknown filter 'foo:'. Filters: alias:, tag:, type:, registry:, collection:. "
        "A version's path works too: registry/collection:alias (for example Model/zoo:production)."
    )
    assert results.flat() == []


def test_it_asks_for_a_value_when_a_filter_has_none(catalogue, stranger):
    assert search(stranger, "alias:").hint == (
        "Filter 'alias:' needs a value, for example alias:production."
    )


@pytest.mark.parametrize("q", ["", "   ", "p", "tag:best p"])
def test_it_gives_a_hint_instead_of_everything_for_short_queries(catalogue, stranger, q):
    results = search(stranger, q)
    assert "at least 2 characters" in results.hint
    assert results.flat() == [] and results.count == 0


def test_it_says_when_nothing_matches(catalogue, stranger):
    assert search(stranger, "nothing-like-this").hint == (
        "Nothing matches 'nothing-like-this'. Try part of a name, an alias or a tag."
    )


def test_it_never_shows_a_restricted_registry_to_a_non_member(catalogue, stranger, member):
    for q in ["production", "hush", "secret", "alias:production", "registry:secret", "zoo"]:
        results = search(stranger, q)
        assert all(hit.registry != "Secret" for hit in results.flat()), q
    assert search(stranger, "hush-hush").count == 0
    assert search(stranger, "alias:production").counts["version"] == 2
    assert names(search(member, "hush-hush"), "version") == ["Secret/secret-zoo:v0"]
    assert search(member, "alias:production").counts["version"] == 3


def test_it_pages_through_the_flat_list(catalogue, stranger):
    first = search(stranger, "production", page=1, per_page=3)
    second = search(stranger, "production", page=2, per_page=3)
    assert first.count == second.count == 4
    assert [h.name for h in first.flat() + second.flat()] == names(
        search(stranger, "production"), "version"
    )
    assert search(stranger, "production", page=3, per_page=3).flat() == []


def test_it_caps_the_count_without_reading_every_row(catalogue, stranger, monkeypatch):
    monkeypatch.setattr(search_module, "COUNT_CAP", 2)
    results = search(stranger, "production")
    assert results.counts["version"] == 2 and not results.count_is_exact
    assert len(results.hits["version"]) == 2


def test_its_query_count_does_not_grow_with_the_hits(
    catalogue, stranger, org_admin, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as few:
        assert len(search(stranger, "production").flat()) == 4
    for i in range(25):
        link_new(org_admin, catalogue.model, f"line-{i}", aliases=[f"production-{i}"])
        link_new(org_admin, catalogue.model, f"line-{i}", aliases=["best"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        results = search(stranger, "production")
    assert len(results.flat()) == 20 and results.counts["version"] == 29
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(search(stranger, "best", per_group=50).flat()) == 27
