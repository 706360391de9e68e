"""manage.py seed_bulk: a proportional synthetic catalogue, inserted in bulk."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import Alias, Collection, CollectionTag, LinkedVersion, Registry, VersionTag
from registry.selectors.search import search
from registry.selectors.versions import get_version_state
from tests.factories import make_user


@pytest.mark.django_db
def test_it_creates_a_proportional_linked_catalogue_in_few_queries():
    with CaptureQueriesContext(connection) as captured:
        call_command("seed_bulk", versions=2000)
    assert LinkedVersion.objects.count() == 2000
    assert Collection.objects.count() == 200
    assert Alias.objects.count() == 400
    assert VersionTag.objects.count() == 400
    assert CollectionTag.objects.count() == 200
    # Bulk: a fixed number of statements, not one per row.
    assert len(captured.captured_queries) < 100
    alias = Alias.objects.select_related("collection").filter(name__startswith="exp-").first()
    assert get_version_state(alias.collection, alias.name).version.pk == alias.version_id
    assert Registry.objects.get(name="Bench-Secret").visibility == Registry.Visibility.RESTRICTED


@pytest.mark.django_db
def test_its_data_is_searchable_and_runs_twice_without_clashing():
    call_command("seed_bulk", versions=100)
    call_command("seed_bulk", versions=100)
    assert LinkedVersion.objects.count() == 200
    user = make_user("reader")
    results = search(user, "exp-")
    assert results.counts["version"] > 0
    assert all(hit.registry != "Bench-Secret" for hit in results.flat())


@pytest.mark.django_db
def test_it_refuses_fewer_versions_than_one_collection_holds():
    with pytest.raises(CommandError, match="--versions must be at least 10"):
        call_command("seed_bulk", versions=5)


@pytest.mark.django_db
def test_its_history_leads_to_its_aliases_and_links():
    from django.utils import timezone

    from registry.models import AliasEvent, LinkRecord
    from registry.selectors.at_time import held_index

    call_command("seed_bulk", versions=100)
    assert LinkRecord.objects.count() == LinkedVersion.objects.count() == 100
    assert AliasEvent.objects.count() == 100  # ten per collection
    now = timezone.now()
    for alias in Alias.objects.select_related("collection", "version"):
        assert held_index(alias.collection, alias.name, now) == alias.version.index
        assert held_index(alias.collection, "latest", now) == 9
    coll = Collection.objects.first()
    linked = LinkedVersion.objects.get(collection=coll, index=4).linked_at
    assert held_index(coll, "latest", linked) == 4
