"""The compare page: /registries/<registry>/<collection>/compare/v<A>...v<B>/."""

from __future__ import annotations

import pytest

from tests.factories import link_files
from tests.views.conftest import htmx, text

pytestmark = pytest.mark.django_db
PAGE = "/registries/Model/zoo/compare/v0...v1/"


@pytest.fixture
def pair(registry, member):
    """v0 and v1 of Model/zoo: a text file edited, one added, one removed, metadata changed."""
    v0 = link_files(
        member,
        registry,
        {"config.yaml": b"lr: 0.1\nepochs: 3\n", "old.txt": b"gone", "w.bin": b"\x00\x01"},
        metadata={"train": {"lr": 0.1}},
        aliases=["production"],
    )
    v1 = link_files(
        member,
        registry,
        {"config.yaml": b"lr: 0.01\nepochs: 3\n", "new.txt": b"hello", "w.bin": b"\x00\x02"},
        metadata={"train": {"lr": 0.01}, "note": "smaller lr"},
    )
    return v0, v1


def test_it_shows_files_metadata_and_a_unified_diff(as_user, viewer, pair):
    response = as_user(viewer).get(PAGE)
    assert response.status_code == 200
    page = text(response)
    assert "2 changed · 1 added · 1 removed · 0 unchanged" in page
    assert "v0 → v1: 2 files changed, 1 added, 1 removed; 1 metadata key changed, 1 added." in page
    assert '<span class="diff-del">-lr: 0.1</span>' in page
    assert '<span class="diff-add">+lr: 0.01</span>' in page
    assert '<span class="diff-file">+++ v1/config.yaml</span>' in page
    assert "No diff: not text" in page  # w.bin
    assert "<code>train.lr</code>" in page and "<code>note</code>" in page
    assert '"smaller lr"' in page


def test_a_restricted_viewer_sees_names_and_digests_but_no_content(
    as_user, restricted, restricted_viewer, member
):
    link_files(member, restricted, {"a.txt": b"secret one\n"})
    link_files(member, restricted, {"a.txt": b"secret two\n"})
    page = text(as_user(restricted_viewer).get("/registries/Secret/zoo/compare/v0...v1/"))
    assert "a.txt" in page
    assert "secret" not in page
    assert "can see file names but not their content" in page


def test_files_of_256_kib_or_more_get_no_diff(as_user, viewer, registry, member):
    big = b"x\n" * (128 * 1024)
    link_files(member, registry, {"big.txt": big})
    link_files(member, registry, {"big.txt": big + b"y\n"})
    page = text(as_user(viewer).get(PAGE))
    assert "No diff: larger than 256 KiB" in page


def test_htmx_asks_for_the_summary_line_alone(as_user, viewer, pair):
    response = as_user(viewer).get(PAGE + "?part=summary", **htmx())
    page = text(response)
    assert page.strip().startswith('<p class="diff-summary small">')
    assert 'href="/registries/Model/zoo/compare/v0...v1/"' in page
    assert "Compare v0 with v1" in page


def test_it_hides_a_restricted_registry_from_a_stranger(as_user, stranger, restricted, member):
    link_files(member, restricted, {"a.txt": b"1"})
    link_files(member, restricted, {"a.txt": b"2"})
    response = as_user(stranger).get("/registries/Secret/zoo/compare/v0...v1/")
    assert response.status_code == 404
    assert "Registry 'Secret' does not exist or you do not have access to it." in text(response)


def test_it_says_which_version_does_not_exist(as_user, viewer, pair):
    response = as_user(viewer).get("/registries/Model/zoo/compare/v0...v9/")
    assert response.status_code == 404
    assert "'v9' does not name a version of 'zoo'" in text(response)


@pytest.mark.parametrize("count", [2, 60])
def test_the_number_of_queries_does_not_grow_with_the_files(
    as_user, viewer, registry, member, count, django_assert_max_num_queries
):
    link_files(member, registry, {f"f{i}.txt": f"a{i}\n".encode() for i in range(count)})
    link_files(member, registry, {f"f{i}.txt": f"b{i}\n".encode() for i in range(count)})
    client = as_user(viewer)
    # The same handful of queries for 2 files as for 60.
    with django_assert_max_num_queries(7):
        response = client.get(PAGE)
    assert text(response).count('class="diff-add"') == min(count, 50)


def test_unlinking_the_latest_version_shows_what_latest_moves_to(as_user, member, pair):
    page = text(as_user(member).get("/registries/Model/zoo/v1/unlink/"))
    assert "'latest' moves from v1 to v0." in page
    assert (
        "v1 → v0: 2 files changed, 1 added, 1 removed; 1 metadata key changed, 1 removed." in page
    )
    assert 'href="/registries/Model/zoo/compare/v1...v0/"' in page


def test_unlinking_an_older_version_moves_no_alias(as_user, admin, pair):
    page = text(as_user(admin).get("/registries/Model/zoo/v0/unlink/"))
    assert "moves from" not in page and "/compare/" not in page


def test_a_move_back_in_the_history_links_to_its_comparison(as_user, member, pair):
    from registry.services.aliases import add_alias

    add_alias(version=pair[1], name="production", actor=member)
    page = text(as_user(member).get("/registries/Model/zoo/v1/"))
    assert "Move production back to v0" in page
    url = "/registries/Model/zoo/compare/v1...v0/"
    assert f'hx-get="{url}?part=summary"' in page
    assert f'<a class="small" href="{url}">Compare v1 with v0</a>' in page


def test_an_older_version_links_to_its_comparison_with_latest(as_user, viewer, pair):
    page = text(as_user(viewer).get("/registries/Model/zoo/v0/"))
    assert '<a href="/registries/Model/zoo/compare/v0...v1/">Compare with latest (v1)</a>' in page
    assert "Compare with latest" not in text(as_user(viewer).get("/registries/Model/zoo/v1/"))
