"""registry.selectors.at_time and resolve_at: references at a past moment, from the history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from registry.errors import Invalid, NotFound
from registry.models import LinkRecord
from registry.selectors.at_time import moment, parse_at
from registry.selectors.resolve import resolve_at
from registry.services.aliases import add_alias, remove_alias
from registry.services.linking import unlink_version
from tests.factories import link_new
from tests.services.conftest import exactly

START = datetime(2026, 11, 1, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def index_at(user, ref: str, when: datetime) -> int:
    resolved = resolve_at(user, "Model", "zoo", ref, when)
    return resolved.version_state().version.index


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-03T14:00:00Z", datetime(2026, 11, 3, 14, tzinfo=UTC)),
        ("2026-11-03T14:00Z", datetime(2026, 11, 3, 14, tzinfo=UTC)),
        ("2026-11-03t14:00:00.250z", datetime(2026, 11, 3, 14, 0, 0, 250000, tzinfo=UTC)),
        (
            "2026-11-03T15:00:00+01:00",
            datetime(2026, 11, 3, 15, tzinfo=timezone(timedelta(hours=1))),
        ),
        # A '+' left unencoded in a query string arrives as a space.
        (
            "2026-11-03T15:00:00 01:00",
            datetime(2026, 11, 3, 15, tzinfo=timezone(timedelta(hours=1))),
        ),
    ],
)
def test_it_reads_rfc_3339_times(text, expected):
    assert parse_at(text) == expected


@pytest.mark.parametrize("text", ["yesterday", "2026-11-03", "2026-13-03T14:00Z", ""])
def test_it_refuses_what_is_not_a_time(text):
    message = (
        f"'{text}' is not an RFC 3339 time: give a date, a time and an offset, "
        "e.g. 2026-11-03T14:00:00Z or 2026-11-03T15:00:00+01:00."
    )
    with pytest.raises(Invalid, match=exactly(message)):
        parse_at(text)


def test_it_refuses_a_time_without_an_offset():
    message = (
        "'2026-11-03T14:00' has no offset, so it names no single moment: add one, e.g. Z "
        "for UTC (2026-11-03T14:00:00Z)."
    )
    with pytest.raises(Invalid, match=exactly(message)):
        parse_at("2026-11-03T14:00")


def test_moments_are_shown_in_utc():
    assert moment(datetime(2026, 11, 3, 15, tzinfo=timezone(timedelta(hours=1)))) == (
        "2026-11-03T14:00:00Z"
    )


def test_an_alias_answers_the_version_it_was_on_then(registry, member, clock):
    v0 = link_new(member, registry, aliases=["staging"])
    clock.advance(minutes=10)
    v1 = link_new(member, registry)
    clock.advance(minutes=10)
    add_alias(version=v1, name="Staging", actor=member)  # a move, in another case
    clock.advance(minutes=10)
    remove_alias(version=v1, name="staging", actor=member)
    assert index_at(member, "staging", at(0)) == v0.index
    assert index_at(member, "STAGING", at(19)) == v0.index
    assert index_at(member, "staging", at(20)) == v1.index
    message = (
        "'staging' was on no version of 'zoo' at 2026-11-01T00:30:00Z: it was removed from "
        "v1 at 2026-11-01T00:30:00Z."
    )
    with pytest.raises(NotFound, match=exactly(message)):
        resolve_at(member, "Model", "zoo", "staging", at(30))


def test_it_says_when_an_alias_first_appeared(registry, member, clock):
    v0 = link_new(member, registry)
    clock.advance(hours=2)
    add_alias(version=v0, name="production", actor=member)
    message = (
        "'production' was not an alias in 'zoo' at 2026-11-01T01:00:00Z; it first appeared "
        "at 2026-11-01T02:00:00Z (on v0)."
    )
    with pytest.raises(NotFound, match=exactly(message)):
        resolve_at(member, "Model", "zoo", "production", at(60))
    never = "'ghost' has never been an alias in 'zoo'."
    with pytest.raises(NotFound, match=exactly(never)):
        resolve_at(member, "Model", "zoo", "ghost", at(60))


def test_a_version_unlinked_since_is_named_but_not_answered(registry, member, clock):
    v0 = link_new(member, registry, aliases=["best"])
    clock.advance(minutes=5)
    unlink_version(version=v0, actor=member)
    message = "'best' was v0 of 'zoo' at 2026-11-01T00:01:00Z, but v0 has since been unlinked."
    with pytest.raises(NotFound, match=exactly(message)):
        resolve_at(member, "Model", "zoo", "best", at(1))
    latest = "'latest' was v0 of 'zoo' at 2026-11-01T00:01:00Z, but v0 has since been unlinked."
    with pytest.raises(NotFound, match=exactly(latest)):
        resolve_at(member, "Model", "zoo", "latest", at(1))


def test_latest_falls_back_when_the_newest_version_is_unlinked(registry, member, clock):
    link_new(member, registry)
    clock.advance(minutes=10)
    v1 = link_new(member, registry)
    clock.advance(minutes=10)
    unlink_version(version=v1, actor=member)
    assert index_at(member, "latest", at(9)) == 0
    assert resolve_at(member, "Model", "zoo", "v0", at(10))  # still linked, no longer latest
    with pytest.raises(NotFound, match="was v1 of 'zoo' at 2026-11-01T00:10:00Z"):
        resolve_at(member, "Model", "zoo", "latest", at(10))
    assert index_at(member, "latest", at(20)) == 0
    record = LinkRecord.objects.get(index=1)
    assert (record.linked_at, record.unlinked_at, record.unlinked_by) == (at(10), at(20), member)


def test_it_says_when_the_collection_had_no_versions(registry, member, clock):
    clock.advance(hours=1)
    link_new(member, registry)
    message = (
        "'zoo' had no versions at 2026-11-01T00:00:00Z; its first version (v0) was linked at "
        "2026-11-01T01:00:00Z."
    )
    with pytest.raises(NotFound, match=exactly(message)):
        resolve_at(member, "Model", "zoo", "latest", at(0))


def test_vn_answers_only_while_it_was_linked(registry, member, clock):
    link_new(member, registry)
    clock.advance(minutes=10)
    v1 = link_new(member, registry)
    assert index_at(member, "v1", at(10)) == 1
    before = "v1 of 'zoo' was linked at 2026-11-01T00:10:00Z, after 2026-11-01T00:09:00Z."
    with pytest.raises(NotFound, match=exactly(before)):
        resolve_at(member, "Model", "zoo", "v1", at(9))
    clock.advance(minutes=10)
    unlink_version(version=v1, actor=member)
    gone = "v1 of 'zoo' had been unlinked at 2026-11-01T00:20:00Z, before 2026-11-01T00:21:00Z."
    with pytest.raises(NotFound, match=exactly(gone)):
        resolve_at(member, "Model", "zoo", "v1", at(21))
    never = "v7 is not in the history of 'zoo'."
    with pytest.raises(NotFound, match=exactly(never)):
        resolve_at(member, "Model", "zoo", "v7", at(21))


def test_the_history_is_read_in_one_statement(registry, member, clock, django_assert_num_queries):
    link_new(member, registry, aliases=["production"])
    clock.advance(minutes=1)
    for ref in ("production", "latest", "v0"):
        with django_assert_num_queries(1):
            resolve_at(member, "Model", "zoo", ref, at(1))


def test_strangers_learn_nothing_about_a_restricted_registry(restricted, member, stranger, clock):
    link_new(member, restricted, aliases=["production"])
    message = "Registry 'Secret' does not exist or you do not have access to it."
    for ref in ("production", "ghost"):
        with pytest.raises(NotFound, match=exactly(message)):
            resolve_at(stranger, "Secret", "zoo", ref, at(1))
