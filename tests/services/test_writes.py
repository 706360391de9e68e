"""registry.services.writes: the statements built once store what Django's own would."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from registry.models import Alias, AliasEvent, Collection, LinkedVersion, LinkRecord
from registry.services import writes
from tests.factories import link_new

pytestmark = pytest.mark.django_db


def stored(obj) -> dict:
    """The row as the database holds it, without its key and its clock."""
    fresh = type(obj).objects.get(pk=obj.pk)
    row = model_to_dict(fresh, fields=[f.name for f in fresh._meta.concrete_fields])
    return {k: v for k, v in row.items() if k not in ("id", "created_at", "linked_at")}


def history(version, actor, alias="best") -> AliasEvent:
    return AliasEvent.build(
        version.collection, alias, AliasEvent.Action.MOVE, actor, source=version, to=version
    )


def test_an_insert_stores_what_save_stores_and_reads_back_the_key(registry, member):
    version = link_new(member, registry)
    ours, django = history(version, member), history(version, member)
    writes.insert(ours)
    django.save()
    assert ours.pk is not None and ours.pk != django.pk
    assert not ours._state.adding
    assert stored(ours) == stored(django)
    assert ours.created_at is not None  # auto_now_add, as save() sets it
    assert AliasEvent.objects.get(pk=ours.pk).created_at == ours.created_at


def test_an_insert_without_its_key_is_one_statement(registry, member):
    version = link_new(member, registry)
    record = LinkRecord(
        collection=version.collection,
        index=7,
        source=version.source,
        linked_at=version.linked_at,
        linked_by=member,
    )
    with CaptureQueriesContext(connection) as queries:
        writes.insert(record, read_pk=False)
    assert len(queries) == 1
    assert LinkRecord.objects.filter(collection=version.collection, index=7).count() == 1


def test_insert_all_saves_one_row_or_many(registry, member):
    version = link_new(member, registry)
    writes.insert_all([history(version, member, "a")])
    writes.insert_all([history(version, member, "b"), history(version, member, "c")])
    writes.insert_all([])
    names = AliasEvent.objects.filter(action="move").values_list("alias", flat=True)
    assert sorted(names) == ["a", "b", "c"]


def test_an_update_changes_the_row_it_names_and_counts_it(registry, member):
    first = link_new(member, registry, aliases=["best"])
    second = link_new(member, registry)
    alias = Alias.objects.get(name="best")
    assert writes.update(Alias, alias.pk, version=second) == 1  # a related object
    assert Alias.objects.get(pk=alias.pk).version_id == second.pk
    assert writes.update(Alias, alias.pk, version=first.pk) == 1  # or its key
    assert Alias.objects.get(pk=alias.pk).version_id == first.pk
    assert writes.update(Alias, -1, version=first.pk) == 0
    collection = first.collection
    assert writes.update(Collection, collection.pk, next_index=40, name="renamed") == 1
    collection.refresh_from_db()
    assert (collection.next_index, collection.name) == (40, "renamed")
    assert LinkedVersion.objects.filter(collection=collection).count() == 2


def test_an_expression_is_refused_not_sent(registry, member):
    collection = link_new(member, registry).collection
    with pytest.raises(TypeError, match="next_index"):
        writes.update(Collection, collection.pk, next_index=F("next_index") + 1)
    collection.refresh_from_db()
    assert collection.next_index == 1
