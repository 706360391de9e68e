"""Queries compiled once answer what the same queryset answers when Django runs it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import IntegerField, Value
from django.db.models.functions import Cast
from django.test.utils import CaptureQueriesContext

from registry.selectors.compiled import compiled
from registry.selectors.versions import get_version_state, version_states
from registry.services.aliases import holders_of
from tests.factories import link_new

pytestmark = pytest.mark.django_db


def _by_index(collection: str, index: str):
    versions = version_states().filter(
        collection_id=Cast(Value(collection), IntegerField()),
        index=Cast(Value(index), IntegerField()),
    )
    return versions[:1]


def test_a_model_row_matches_what_the_orm_builds(member, registry):
    linked = link_new(member, registry, aliases=["staging", "candidate"])
    query = compiled("test:by-index", _by_index, "collection", "index")
    fast = query.first_instance(collection=linked.collection_id, index=linked.index)
    slow = version_states().get(pk=linked.pk)
    fields = [f.attname for f in type(slow)._meta.concrete_fields]
    assert [getattr(fast, f) for f in fields] == [getattr(slow, f) for f in fields]
    # select_related objects and annotations come with the row: no further query.
    with CaptureQueriesContext(connection) as queries:
        assert fast.collection.registry.name == slow.collection.registry.name
        assert fast.source.artifact.project.team.name == slow.source.artifact.project.team.name
        assert fast.linked_by.get_username() == member.get_username()
        assert sorted(fast.alias_names.split("/")) == ["candidate", "staging"]
        assert fast.latest_index == slow.latest_index
    assert len(queries) == 0
    assert query.first_instance(collection=linked.collection_id, index=99) is None


def test_the_same_statement_serves_new_values(member, registry):
    first = link_new(member, registry, aliases=["one"])
    second = link_new(member, registry, aliases=["two"])
    assert get_version_state(first.collection, "one").version.pk == first.pk
    with CaptureQueriesContext(connection) as queries:
        state = get_version_state(second.collection, "two")
        latest = get_version_state(second.collection, "latest")
    assert state.version.pk == second.pk and state.aliases == ("two",)
    assert latest.version.pk == second.pk
    assert len(queries) == 2


def test_several_rows_come_back_as_instances(member, registry):
    linked = link_new(member, registry, aliases=["prod"])
    found = holders_of(linked.collection, ["PROD"])
    assert list(found) == ["prod"]
    assert found["prod"].version.index == linked.index


def test_a_values_query_cannot_make_instances(member, registry):
    def values_only(collection: str):
        return _by_index(collection, "0").values("pk")

    query = compiled("test:values-only", values_only, "collection")
    with pytest.raises(TypeError):
        query.first_instance(collection=1)
