"""registry.selectors.versions: derived aliases, chips, references, ETags, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.errors import NotFound
from registry.selectors.aliases import alias_suggestions
from registry.selectors.chips import Chip
from registry.selectors.collections import get_collection
from registry.selectors.versions import (
    chips_of_row,
    get_version_state,
    get_version_state_and_holder,
    latest_index,
    protected_names,
    tags_of_row,
    versions_of,
)
from registry.services.aliases import add_alias
from registry.services.registries import create_protected_alias
from registry.services.tags import add_version_tags
from tests.factories import link_new
from tests.services.conftest import exactly


def test_chips_show_custom_and_protected_aliases_then_latest_then_vn(registry, admin):
    create_protected_alias(registry=registry, name="production", actor=admin)
    link_new(admin, registry)
    version = link_new(admin, registry, aliases=["Production", "best"])
    chips = get_version_state(version.collection, "v1").chips
    assert chips == [
        Chip("Production", "protected"),
        Chip("best", "custom"),
        Chip("latest", "default"),
        Chip("v1", "default"),
    ]
    older = versions_of(version.collection).get(index=0)
    assert chips_of_row(older, latest=1, protected=protected_names(registry)) == [
        Chip("v0", "default")
    ]


@pytest.mark.parametrize(("ref", "index"), [("latest", 2), ("v1", 1), ("V0", 0), ("BEST", 1)])
def test_it_resolves_latest_vn_and_aliases(registry, member, ref, index):
    link_new(member, registry)
    link_new(member, registry, aliases=["best"])
    collection = link_new(member, registry).collection
    assert get_version_state(collection, ref).version.index == index


@pytest.mark.parametrize("ref", ["v9", "ghost", ""])
def test_it_says_what_it_could_not_resolve(registry, member, ref):
    collection = link_new(member, registry).collection
    message = f"'{ref}' does not name a version of 'zoo' (try an alias, vN or latest)."
    with pytest.raises(NotFound, match=exactly(message)):
        get_version_state(collection, ref)


def test_it_finds_a_collection_case_insensitively(registry, member):
    collection = link_new(member, registry).collection
    assert get_collection(registry, "ZOO") == collection
    with pytest.raises(NotFound, match="^Collection 'nope' does not exist in registry 'Model'.$"):
        get_collection(registry, "nope")
    assert latest_index(collection) == 0


def test_suggestions_offer_protected_aliases_first_then_aliases_in_use(registry, admin):
    create_protected_alias(registry=registry, name="production", actor=admin)
    link_new(admin, registry, aliases=["staging", "Production"])
    link_new(admin, registry, collection="cats", aliases=["best"])
    suggestions = alias_suggestions(
        registry, protected_names=["production"], held=set(), may_add_protected=True
    )
    assert suggestions == [
        Chip("production", "protected"),
        Chip("best", "custom"),
        Chip("staging", "custom"),
    ]


def test_suggestions_leave_out_what_the_version_holds_and_what_the_user_may_not_add(
    registry, admin
):
    create_protected_alias(registry=registry, name="production", actor=admin)
    link_new(admin, registry, aliases=["staging"])
    link_new(admin, registry, collection="cats", aliases=["best"])
    suggestions = alias_suggestions(
        registry, protected_names=["production"], held={"best"}, may_add_protected=False
    )
    assert suggestions == [Chip("staging", "custom")]


def test_the_etag_changes_with_what_the_answer_shows(registry, admin):
    version = link_new(admin, registry, aliases=["best"])
    collection = version.collection
    before = get_version_state(collection, "best").etag
    assert get_version_state(collection, "v0").etag == before  # same version, same answer
    add_alias(version=version, name="staging", actor=admin)
    after_alias = get_version_state(collection, "v0").etag
    assert after_alias != before
    add_version_tags(version=version, names=["gold"], actor=admin)
    after_tag = get_version_state(collection, "v0").etag
    assert after_tag != after_alias
    create_protected_alias(registry=registry, name="staging", actor=admin)
    assert get_version_state(collection, "v0").etag != after_tag  # staging is now protected
    link_new(admin, registry)
    assert get_version_state(collection, "v0").etag != after_tag  # no longer latest


def test_a_write_answers_the_etag_a_read_gives(registry, admin):
    version = link_new(admin, registry)
    written = add_alias(version=version, name="Candidate", actor=admin)
    assert written.etag == get_version_state(version.collection, "v0").etag


@pytest.mark.parametrize("count", [2, 12])
def test_listing_versions_with_chips_takes_the_same_queries_for_any_number(registry, member, count):
    for i in range(count):
        version = link_new(member, registry, aliases=[f"a{i}"])
        add_version_tags(version=version, names=["gold"], actor=member)
    collection = version.collection
    with CaptureQueriesContext(connection) as queries:
        rows = [
            (
                v.linked_by.username,
                v.source.artifact.project.team.name,
                tags_of_row(v),
                chips_of_row(v, latest=count - 1, protected=set()),
            )
            for v in versions_of(collection)
        ]
    assert len(rows) == count
    assert rows[0][2] == ["gold"]
    assert len(queries) == 1  # versions, with their aliases and tags as subqueries


def test_a_version_with_everything_it_shows_is_one_query(registry, member):
    version = link_new(member, registry, aliases=["best", "candidate"])
    add_version_tags(version=version, names=["gold", "fp16"], actor=member)
    with CaptureQueriesContext(connection) as queries:
        state = get_version_state(version.collection, "best")
        shown = (
            state.chips,
            state.tags,
            state.etag,
            state.version.source.artifact.project.team.name,
            state.version.collection.registry.name,
        )
    assert shown[1] == ("fp16", "gold")
    assert len(queries) == 1


@pytest.mark.parametrize(("asked", "held_by"), [("best", 0), ("BEST", 0), ("ghost", None)])
def test_the_holder_of_an_alias_comes_with_the_version_in_one_query(
    registry, member, asked, held_by
):
    link_new(member, registry, aliases=["Best"])
    version = link_new(member, registry, aliases=["candidate"])
    with CaptureQueriesContext(connection) as queries:
        state, holder = get_version_state_and_holder(version.collection, "v1", asked)
    assert len(queries) == 1
    assert state == get_version_state(version.collection, "v1")
    if held_by is None:
        assert holder is None
        return
    stored = version.collection.aliases.get(name="Best")
    assert (holder.pk, holder.name, holder.version_id, holder.version.index) == (
        stored.pk,
        "Best",
        stored.version_id,
        held_by,
    )


def test_the_version_itself_may_hold_the_alias(registry, member):
    version = link_new(member, registry, aliases=["candidate"])
    _, holder = get_version_state_and_holder(version.collection, "candidate", "Candidate")
    assert holder.version_id == version.pk and holder.name == "candidate"
