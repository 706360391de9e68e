"""/search/ (the results page) and /search/live/ (the live results under the bar)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import link_new


def test_it_requires_sign_in(client, catalogue):
    response = client.get("/search/?q=production")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/search/live/?q=production").status_code == 302


def test_it_shows_grouped_results_with_why_they_matched(client, catalogue, stranger):
    client.force_login(stranger)
    response = client.get("/search/?q=production")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="search-group-version">Versions' in html
    assert 'href="/registries/Model/resnet-vision/v0/">Model/resnet-vision:v0</a>' in html
    assert 'class="chip chip-protected" data-alias-kind="protected"' in html
    assert 'aria-label="protected"' in html
    assert html.index("Model/resnet-vision:v0") < html.index("Model/resnet-vision:v1")
    assert html.index("Model/resnet-vision:v1") < html.index("Model/zoo:v0")
    assert 'role="search"' in html  # the page keeps the bar from base.html


def test_it_shows_collection_and_registry_groups(client, catalogue, stranger):
    client.force_login(stranger)
    html = client.get("/search/?q=model").content.decode()
    assert '<h2 id="search-group-registry">Registries' in html
    assert 'href="/registries/Model/">Model</a>' in html
    html = client.get("/search/?q=zoo").content.decode()
    assert 'href="/registries/Model/zoo/">Model/zoo</a>' in html
    assert "search-group-version" not in html


def test_it_shows_the_hint_for_a_short_query(client, catalogue, stranger):
    client.force_login(stranger)
    html = client.get("/search/?q=p").content.decode()
    assert "&#x27;p&#x27; is too short: type at least 2 characters." in html
    html = client.get("/search/live/?q=").content.decode()
    assert "Type at least 2 characters" in html


def test_it_explains_an_unknown_filter(client, catalogue, stranger):
    client.force_login(stranger)
    html = client.get("/search/?q=foo:bar").content.decode()
    assert "Unknown filter &#x27;foo:&#x27;. Filters: alias:, tag:, type:, registry:" in html
    # Said once: the filters footer is left out when the hint already explains them.
    assert html.count("A version&#x27;s path works too") + html.count("A version's path") == 1


def test_live_results_are_a_small_fragment_with_a_link_to_all_results(
    client, catalogue, stranger, org_admin
):
    for i in range(5):
        link_new(org_admin, catalogue.model, f"line-{i}", aliases=[f"production-{i}"])
    client.force_login(stranger)
    response = client.get("/search/live/?q=production", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<header" not in html
    assert html.count('href="/registries/') == 3  # the best three versions
    assert 'href="/search/?q=production">See all results</a>' in html
    assert "HX-Request" in response["Vary"]


def test_a_restricted_registry_never_leaks_through_the_page_or_live_results(
    client, catalogue, stranger, member
):
    client.force_login(stranger)
    for url in ["/search/?q=", "/search/live/?q="]:
        for q in ["hush-hush", "secret", "production", "alias:production", "registry:Secret"]:
            html = client.get(url + q).content.decode()
            # The query itself is echoed back; nothing of the registry may be.
            assert "/registries/Secret" not in html and "secret-zoo" not in html, (url, q)
            assert "Hush-hush models" not in html, (url, q)
    html = client.get("/search/?q=alias:production").content.decode()
    assert '<span class="search-group__count">2</span>' in html  # not 3: no hidden count
    client.force_login(member)
    assert "Secret/secret-zoo:v0" in client.get("/search/live/?q=hush-hush").content.decode()


def test_the_page_query_count_does_not_grow_with_the_hits(client, catalogue, stranger, org_admin):
    client.force_login(stranger)
    client.get("/search/?q=production")
    with CaptureQueriesContext(connection) as few:
        client.get("/search/?q=production")
    for i in range(15):
        link_new(org_admin, catalogue.model, f"line-{i}", aliases=[f"production-{i}", "best"])
    with CaptureQueriesContext(connection) as many:
        html = client.get("/search/?q=production").content.decode()
    assert html.count("search-hit--version") == 19
    assert len(many.captured_queries) <= len(few.captured_queries)
