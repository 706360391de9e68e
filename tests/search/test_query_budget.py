"""At most three SQL queries per search — the visible registries, then one per group —
whatever the query's shape and however many rows match, for the selector, the results
page, the live results and the API."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.selectors.search import search
from tests.factories import link_new

SHAPES = [
    "production",
    "prod",
    "zoo",
    "hush",
    "alias:production",
    "tag:best",
    "type:model",
    "registry:Model",
    "collection:zoo",
    "tag:best production",
    "alias:production type:model best",
    "Model/resnet-vision:production",
    "nothing-like-this",
]


def queries_of(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


@pytest.fixture
def many(catalogue, org_admin):
    """Forty more versions, each matching most shapes above."""
    for i in range(20):
        link_new(org_admin, catalogue.model, f"zoo-{i}", aliases=[f"production-{i}", "best"])
        link_new(org_admin, catalogue.dataset, f"zoo-{i}", aliases=["production"], type_="dataset")
    return catalogue


@pytest.mark.parametrize("q", SHAPES)
def test_a_search_runs_at_most_three_queries_with_few_rows(catalogue, stranger, q):
    search(stranger, q)  # the first search of a shape also compiles it; compiling reads nothing
    assert queries_of(lambda: search(stranger, q)) <= 3
    assert queries_of(lambda: search(stranger, q, per_group=3)) <= 3
    assert queries_of(lambda: search(stranger, q, page=2, per_page=5)) <= 3


@pytest.mark.parametrize("q", SHAPES)
def test_a_search_runs_at_most_three_queries_with_many_rows(many, stranger, q):
    search(stranger, q)
    assert queries_of(lambda: search(stranger, q)) <= 3
    assert queries_of(lambda: search(stranger, q, per_group=3)) <= 3


def test_the_first_search_of_a_shape_runs_no_more_queries_than_later_ones(catalogue, member):
    q = "alias:production type:model registry:Model zoo"  # a shape no other test uses
    assert queries_of(lambda: search(member, q)) == queries_of(lambda: search(member, q)) <= 3


def test_the_views_add_only_the_session_and_user(client, many, stranger):
    client.force_login(stranger)
    baseline = queries_of(lambda: client.get("/search/?q=p"))  # a hint: no search query runs
    # The full page has one group more than the live results: pending promotion requests
    # (for the admins who decide them), one query of its own.
    budgets = {
        "/search/?q=production": 4,
        "/search/live/?q=production": 3,
        "/search/live/?q=tag:best": 3,
    }
    for url, budget in budgets.items():
        client.get(url)
        assert queries_of(lambda url=url: client.get(url)) <= baseline + budget, url


def test_like_wildcards_in_the_text_match_themselves(catalogue, stranger, org_admin):
    link_new(org_admin, catalogue.model, "a_b-net", aliases=["x_y"])
    assert [h.name for h in search(stranger, "a_b").hits["collection"]] == ["Model/a_b-net"]
    assert search(stranger, "_b-n").counts["collection"] == 1
    assert search(stranger, "a%b").count == 0  # `%` matches a percent sign, not anything
    assert [h.name for h in search(stranger, "_y").hits["version"]] == ["Model/a_b-net:v0"]
    assert search(stranger, "n_t").counts["collection"] == 0  # `_` is not any one character
    assert search(stranger, "x%").count == 0
