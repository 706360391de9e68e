"""The collection page's alias timeline (SVG) and its "as of" picker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from registry.services.aliases import add_alias
from registry.services.linking import unlink_version
from registry.services.registries import create_protected_alias
from tests.factories import link_new
from tests.views.conftest import text

pytestmark = pytest.mark.django_db
ZOO = "/registries/Model/zoo/"


@pytest.fixture
def story(registry, admin, member, clock):
    """production (protected) on v0, moved to v1 an hour later by admin; v0 unlinked."""
    create_protected_alias(registry=registry, name="production", actor=admin)
    v0 = link_new(admin, registry, aliases=["production", "best"])
    v1 = link_new(member, registry)
    clock.advance(hours=1)
    add_alias(version=v1, name="production", actor=admin)
    clock.advance(hours=1)
    unlink_version(version=v0, actor=admin)
    clock.advance(hours=1)
    return v1


def test_the_timeline_has_a_lane_per_alias_and_a_link_per_bar(as_user, viewer, story):
    page = text(as_user(viewer).get(ZOO))
    assert '<svg class="timeline"' in page
    lanes = page.index(">production</text>"), page.index(">best</text>")
    assert lanes[0] < lanes[1]  # protected first
    title = "production on v1 from 2026-11-01 01:00 UTC (moved by admin), still there"
    assert (
        f'<a href="/registries/Model/zoo/v1/" aria-label="{title}"><title>{title}</title>' in page
    )
    unlinked = (
        "production on v0 from 2026-11-01 00:00 UTC (added by admin) until 2026-11-01 01:00 "
        "UTC (moved by admin); v0 has since been unlinked"
    )
    assert (
        f'<a href="/registries/Model/zoo/?at=2026-11-01T00%3A00%3A00Z" aria-label="{unlinked}">'
        in page
    )
    assert ">v1</text>" in page


def test_as_of_shows_the_versions_and_chips_of_then(as_user, viewer, story):
    page = text(as_user(viewer).get(ZOO + "?at=2026-11-01T00:30"))
    assert "Versions as of 2026-11-01 00:30 UTC" in page
    assert 'value="2026-11-01T00:30"' in page
    assert "unlinked since" in page  # v0, which held production then
    row_v0 = page[page.index('<span class="vn strong-link">v0</span>') :]
    assert 'data-alias-kind="protected"' in row_v0[: row_v0.index("</tr>")]
    assert 'class="as-of-marker"' in page


def test_it_says_when_the_as_of_time_cannot_be_read(as_user, viewer, story):
    response = as_user(viewer).get(ZOO + "?at=someday")
    assert response.status_code == 200
    assert "'someday' is not an RFC 3339 time" in text(response)
    assert 'aria-invalid="true"' in text(response)


def test_the_timeline_costs_the_same_queries_for_a_long_history(
    as_user, viewer, registry, member, clock
):
    v0 = link_new(member, registry, aliases=["a"])
    v1 = link_new(member, registry)
    client = as_user(viewer)
    client.get(ZOO)

    def queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(ZOO).status_code == 200
        return len(captured)

    few = queries()
    for i in range(15):
        clock.advance(minutes=5)
        add_alias(version=(v0, v1)[i % 2], name=f"alias-{i % 4}", actor=member)
    assert queries() == few


def test_a_collection_without_aliases_says_so(as_user, viewer, registry, member):
    link_new(member, registry)
    assert "No alias has been added in this collection yet." in text(as_user(viewer).get(ZOO))


def test_the_as_of_moment_is_shown_in_utc_whatever_offset_was_given(as_user, viewer, story):
    at = (datetime(2026, 11, 1, 0, 30, tzinfo=UTC) + timedelta(hours=1)).isoformat()
    page = text(as_user(viewer).get(ZOO, {"at": at.replace("+00:00", "+01:00")}))
    assert "Versions as of 2026-11-01 00:30 UTC" in page
