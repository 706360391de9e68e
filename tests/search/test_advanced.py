"""Advanced search: filter rows compiled to W&B filters, run for one user, shown on a page."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from registry.errors import Invalid
from registry.models import ArtifactVersion
from registry.selectors.advanced_search import (
    AdvancedQuery,
    FilterRow,
    parse,
    rows_to_filter,
    run,
)
from registry.services.collections import add_collection_tags
from registry.services.tags import add_version_tags
from tests.factories import link_new


def set_metadata(version, **metadata):
    ArtifactVersion.objects.filter(pk=version.source_id).update(metadata=metadata)


@pytest.fixture
def scored(catalogue, org_admin):
    """Metadata on the catalogue's versions, and the same tag and metadata on the secret one
    (so every row that finds a visible version would find the secret one too)."""
    set_metadata(catalogue.resnet_v0, accuracy=0.93, epochs=10)
    set_metadata(catalogue.resnet_v1, accuracy=0.81, epochs=20)
    set_metadata(catalogue.flowers_v0, accuracy=0.97)
    set_metadata(catalogue.secret_v0, accuracy=0.99, epochs=10)
    add_version_tags(version=catalogue.secret_v0, names=["best"], actor=org_admin)
    add_collection_tags(
        collection=catalogue.secret_v0.collection, names=["vision"], actor=org_admin
    )
    return catalogue


def names(results):
    return [hit.name for hit in results.hits]


def query(kind, *rows):
    return AdvancedQuery(kind=kind, rows=[FilterRow(*row) for row in rows])


def test_rows_compile_to_the_w_and_b_filter_the_api_takes():
    rows = [
        FilterRow("tag", "eq", "best"),
        FilterRow("metadata", "gte", "0.9", key="accuracy"),
        FilterRow("alias", "in", "production, staging"),
        FilterRow("created_at", "gte", "2026-01-31"),
        FilterRow("metadata", "exists", "", key="eval.f1"),
        FilterRow("metadata", "eq", "resnet", key="arch"),
    ]
    assert rows_to_filter("versions", rows) == {
        "$and": [
            {"tag": {"$eq": "best"}},
            {"metadata.accuracy": {"$gte": 0.9}},
            {"alias": {"$in": ["production", "staging"]}},
            {"created_at": {"$gte": "2026-01-31"}},
            {"metadata.eval.f1": {"$exists": True}},
            {"metadata.arch": {"$eq": "resnet"}},
        ]
    }
    assert rows_to_filter("versions", []) == {}


@pytest.mark.parametrize(
    ("kind", "row", "message"),
    [
        ("collections", FilterRow("alias", "eq", "x"), "Row 1: collections have no attribute"),
        ("versions", FilterRow("tag", "gte", "x"), "Row 1: 'Tag' takes one of these operators"),
        ("versions", FilterRow("metadata", "eq", "1"), "Row 1: name the metadata key"),
        ("versions", FilterRow("alias", "eq", ""), "Row 1: 'Alias includes' needs a value."),
        ("things", FilterRow("name", "eq", "x"), "Unknown kind 'things'"),
    ],
)
def test_a_wrong_row_is_refused_with_what_is_allowed(kind, row, message):
    with pytest.raises(Invalid, match=message):
        rows_to_filter(kind, [row])


def test_it_parses_rows_from_the_url_and_keeps_them_in_its_own_url():
    params = QueryDict(
        "kind=versions&a=tag&k=&o=eq&v=best&a=metadata&k=accuracy&o=gte&v=0.9", mutable=True
    )
    parsed = parse(params)
    assert parsed.rows == [
        FilterRow("tag", "eq", "best"),
        FilterRow("metadata", "gte", "0.9", key="accuracy"),
    ]
    assert parse(QueryDict(parsed.querystring())).rows == parsed.rows
    assert len(parse(params, add=True).rows) == 3
    assert parse(params, remove=0).rows == [FilterRow("metadata", "gte", "0.9", key="accuracy")]


def test_an_edited_row_keeps_what_still_applies_and_says_what_changed():
    parsed = parse(QueryDict("kind=collections&a=alias&k=&o=gte&v=best"))
    assert parsed.rows == [FilterRow("name", "eq", "best")]
    assert parsed.notices == [
        "Row 1: collections have no attribute 'alias'; it now reads Name.",
        "Row 1: 'Name' has no operator 'gte'; it now reads 'is'.",
    ]


def test_it_finds_versions_by_tag_and_metadata_range(scored, stranger):
    results = run(
        stranger,
        query("versions", ("tag", "eq", "best"), ("metadata", "gte", "0.9", "accuracy")),
    )
    assert names(results) == ["Model/resnet-vision:v0", "Dataset/flowers-dataset:v0"]
    assert results.hits[0].why == [("tag", "best"), ("metadata.accuracy", "0.93")]
    assert [c.name for c in results.hits[0].chips] == ["production", "v0"]


def test_it_finds_versions_by_alias_and_date(scored, stranger):
    results = run(
        stranger,
        query("versions", ("alias", "regex", "^prod"), ("created_at", "gte", "2000-01-01")),
    )
    assert names(results) == [
        "Model/resnet-vision:v0",
        "Model/resnet-vision:v1",
        "Dataset/flowers-dataset:v0",
    ]
    assert run(stranger, query("versions", ("created_at", "lt", "2000-01-01"))).hits == []


def test_it_finds_collections_and_registries(scored, stranger):
    found = run(stranger, query("collections", ("tag", "eq", "vision")))
    assert names(found) == ["Model/resnet-vision"]
    assert found.hits[0].why == [("tag", "vision")]
    found = run(stranger, query("registries", ("name", "regex", "^Mod")))
    assert names(found) == ["Model"]


def test_it_shows_a_filter_error_instead_of_results(scored, stranger):
    results = run(stranger, query("versions", ("created_at", "gte", "last tuesday")))
    assert results.hits == []
    assert "'created_at' is a date" in results.error


# Every attribute of every kind, with a row the restricted registry's object meets.
LEAK_ROWS = [
    ("registries", ("name", "eq", "Secret")),
    ("registries", ("description", "regex", "Hush")),
    ("registries", ("created_at", "gte", "2000-01-01")),
    ("registries", ("updated_at", "gte", "2000-01-01")),
    ("collections", ("name", "eq", "secret-zoo")),
    ("collections", ("tag", "eq", "vision")),
    ("collections", ("description", "ne", "nothing like it")),
    ("collections", ("created_at", "gte", "2000-01-01")),
    ("collections", ("updated_at", "gte", "2000-01-01")),
    ("versions", ("alias", "eq", "hush-hush")),
    ("versions", ("tag", "eq", "best")),
    ("versions", ("metadata", "gte", "0.98", "accuracy")),
    ("versions", ("created_at", "gte", "2000-01-01")),
    ("versions", ("updated_at", "gte", "2000-01-01")),
]


@pytest.mark.parametrize(("kind", "row"), LEAK_ROWS)
def test_a_restricted_registry_stays_invisible_for_every_attribute(
    scored, stranger, member, kind, row
):
    hidden = run(stranger, query(kind, row))
    assert all("Secret" not in hit.name for hit in hidden.hits), names(hidden)
    shown = run(member, query(kind, row))
    assert any(hit.name.startswith("Secret") for hit in shown.hits), names(shown)


@pytest.mark.parametrize("kind", ["registries", "collections", "versions"])
def test_its_query_count_does_not_grow_with_the_hits(scored, stranger, org_admin, kind):
    row = {
        "registries": ("name", "regex", "."),
        "collections": ("name", "regex", "."),
        "versions": ("created_at", "gte", "2000-01-01"),
    }[kind]
    with CaptureQueriesContext(connection) as few:
        assert run(stranger, query(kind, row)).hits
    for i in range(30):
        link_new(org_admin, scored.model, f"line-{i}", aliases=[f"a-{i}"])
    with CaptureQueriesContext(connection) as many:
        assert run(stranger, query(kind, row)).hits
    assert len(many.captured_queries) == len(few.captured_queries) <= 2


# The page ------------------------------------------------------------------------------

URL = "/search/advanced/"
THREE_ROWS = (
    "kind=versions&a=tag&k=&o=eq&v=best&a=metadata&k=accuracy&o=gte&v=0.9"
    "&a=created_at&k=&o=gte&v=2000-01-01"
)


def test_the_page_requires_sign_in(client, scored):
    assert client.get(URL).status_code == 302


def test_the_page_shows_grouped_results_with_why_they_matched(client, scored, stranger):
    client.force_login(stranger)
    html = client.get(f"{URL}?{THREE_ROWS}").content.decode()
    assert 'href="/registries/Model/resnet-vision/v0/">Model/resnet-vision:v0</a>' in html
    assert 'href="/registries/Dataset/flowers-dataset/v0/">' in html
    assert "secret-zoo" not in html
    assert "metadata.accuracy <strong>0.93</strong>" in html
    assert '<h2 id="advanced-group">Versions <span class="search-group__count">2</span>' in html
    assert html.count('class="advanced-row"') == 3


def test_add_and_remove_work_without_javascript(client, scored, stranger):
    client.force_login(stranger)
    response = client.get(f"{URL}?{THREE_ROWS}&add=1")
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?{THREE_ROWS}&a=alias&k=&o=eq&v="
    html = client.get(response["Location"]).content.decode()
    assert html.count('class="advanced-row"') == 4
    response = client.get(f"{URL}?{THREE_ROWS}&remove=0")
    assert response["Location"] == (
        f"{URL}?kind=versions&a=metadata&k=accuracy&o=gte&v=0.9&a=created_at&k=&o=gte&v=2000-01-01"
    )


def test_htmx_swaps_the_builder_and_pushes_the_shareable_url(client, scored, stranger):
    client.force_login(stranger)
    response = client.get(f"{URL}?{THREE_ROWS}&remove=2", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and html.startswith('\n<div id="advanced"')
    assert html.count('class="advanced-row"') == 2
    assert response["HX-Push-Url"] == (
        f"{URL}?kind=versions&a=tag&k=&o=eq&v=best&a=metadata&k=accuracy&o=gte&v=0.9"
    )
    assert "HX-Request" in response["Vary"]


def test_the_page_and_the_api_find_the_same_versions(client, scored, stranger, member):
    for user in (stranger, member):
        client.force_login(user)
        results = run(user, parse(QueryDict(THREE_ROWS)))
        api = client.get(f"/api/v1/query/versions?filter={quote(results.filter_json)}")
        assert api.status_code == 200, api.content
        found = [f"{v['registry']}/{v['collection']}:{v['version']}" for v in api.json()["items"]]
        assert found == names(results)
    assert "Secret/secret-zoo:v0" in found  # the member sees it, through both


def test_the_search_bar_and_results_page_link_to_it(client, scored, stranger):
    client.force_login(stranger)
    html = client.get("/search/?q=production").content.decode()
    assert html.count('href="/search/advanced/"') == 2


def test_the_page_says_which_filter_the_api_would_take(client, scored, stranger):
    client.force_login(stranger)
    html = client.get(f"{URL}?kind=versions&a=tag&k=&o=eq&v=best").content.decode()
    expected = json.dumps({"$and": [{"tag": {"$eq": "best"}}]}, separators=(",", ":"))
    assert expected.replace('"', "&quot;") in html
