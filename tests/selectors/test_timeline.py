"""registry.selectors.timeline and the "as of" reads: the alias history as spans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from registry.selectors import timeline
from registry.selectors.at_time import aliases_at, version_rows_at
from registry.selectors.timeline import Bar, alias_timeline
from registry.services.aliases import add_alias, remove_alias
from registry.services.linking import unlink_version
from registry.services.registries import create_protected_alias
from tests.factories import link_new

START = datetime(2026, 11, 1, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


@pytest.fixture
def story(registry, admin, member, clock):
    """production (protected) on v0 at 0', moved to v1 at 60' by admin, removed at 120';
    staging on v1 from 30'; v0 unlinked at 150'."""
    create_protected_alias(registry=registry, name="production", actor=admin)
    v0 = link_new(admin, registry, aliases=["production"])
    v1 = link_new(member, registry)
    clock.advance(minutes=30)
    add_alias(version=v1, name="staging", actor=member)
    clock.advance(minutes=30)
    add_alias(version=v1, name="production", actor=admin)
    clock.advance(minutes=60)
    remove_alias(version=v1, name="production", actor=admin)
    clock.advance(minutes=30)
    unlink_version(version=v0, actor=admin)
    return v0.collection


def test_lanes_hold_bars_protected_aliases_first(story):
    result = alias_timeline(story, until=at(180))
    assert (result.since, result.until, result.truncated) == (at(0), at(180), False)
    assert [(lane.alias, lane.protected) for lane in result.lanes] == [
        ("production", True),
        ("staging", False),
    ]
    assert result.lanes[0].bars == [
        Bar("production", 0, at(0), "admin", "added", at(60), "admin", "moved", False),
        Bar("production", 1, at(60), "admin", "moved", at(120), "admin", "removed", True),
    ]
    assert result.lanes[1].bars == [Bar("staging", 1, at(30), "member", "added")]


def test_a_long_history_starts_with_what_the_aliases_held_then(story, monkeypatch):
    monkeypatch.setattr(timeline, "TIMELINE_EVENTS", 2)  # the two newest: move and removal
    result = alias_timeline(story, until=at(180))
    assert result.truncated and result.since == at(60)
    production, staging = result.lanes
    assert [(b.index, b.start, b.start_action, b.end) for b in production.bars] == [
        (1, at(60), "moved", at(120)),
    ]
    assert [(b.index, b.start, b.start_action, b.end) for b in staging.bars] == [
        (1, at(60), "", None)
    ]


def test_aliases_at_a_moment_come_from_the_history(story):
    assert aliases_at(story, at(-1)) == {}
    assert aliases_at(story, at(30)) == {0: ["production"], 1: ["staging"]}
    assert {k: sorted(v) for k, v in aliases_at(story, at(60)).items()} == {
        1: ["production", "staging"]
    }
    assert aliases_at(story, at(200)) == {1: ["staging"]}


def test_the_versions_table_as_of_a_moment(story):
    _, rows = version_rows_at(story, at(45), None)
    assert [(r.version.index, [c.name for c in r.chips], r.linked_now) for r in rows] == [
        (1, ["staging", "latest", "v1"], True),
        (0, ["production", "v0"], False),
    ]
    _, later = version_rows_at(story, at(151), None)
    assert [r.version.index for r in later] == [1]
