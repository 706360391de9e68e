"""registry.selectors: derived aliases, chips, lookups and their query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.errors import NotFound
from registry.selectors import (
    Chip,
    alias_suggestions,
    chips_for,
    get_collection,
    latest_index,
    protected_names,
    resolve_version,
    versions_of,
)
from registry.services.registries import create_protected_alias
from registry.services.tags import add_version_tags
from tests.factories import link_new
from tests.services.conftest import exactly


def test_chips_show_custom_and_protected_aliases_then_latest_then_vn(registry, admin):
    create_protected_alias(registry=registry, name="production", actor=admin)
    link_new(admin, registry)
    version = link_new(admin, registry, aliases=["Production", "best"])
    chips = chips_for(version, latest=1, protected=protected_names(registry))
    assert chips == [
        Chip("Production", "protected"),
        Chip("best", "custom"),
        Chip("latest", "default"),
        Chip("v1", "default"),
    ]
    older = versions_of(version.collection).get(index=0)
    assert chips_for(older, latest=1, protected=set()) == [Chip("v0", "default")]


@pytest.mark.parametrize(("ref", "index"), [("latest", 2), ("v1", 1), ("V0", 0), ("BEST", 1)])
def test_it_resolves_latest_vn_and_aliases(registry, member, ref, index):
    link_new(member, registry)
    link_new(member, registry, aliases=["best"])
    collection = link_new(member, registry).collection
    assert resolve_version(collection, ref).index == index


@pytest.mark.parametrize("ref", ["v9", "ghost", ""])
def test_it_says_what_it_could_not_resolve(registry, member, ref):
    collection = link_new(member, registry).collection
    message = f"'{ref}' does not name a version of 'zoo' (try an alias, vN or latest)."
    with pytest.raises(NotFound, match=exactly(message)):
        resolve_version(collection, ref)


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
    assert alias_suggestions(registry) == [
        Chip("production", "protected"),
        Chip("best", "custom"),
        Chip("staging", "custom"),
    ]


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
                [t.name for t in v.tags.all()],
                chips_for(v, latest=count - 1, protected=set()),
            )
            for v in versions_of(collection)
        ]
    assert len(rows) == count
    assert len(queries) == 3  # versions (with joins), aliases, tags
