"""Concurrent links and alias moves on PostgreSQL (invariants 1, 4, 9 under contention).

Eight threads, each with its own database connection, hit one collection at once. The
services serialise every write in a collection on the collection row (SELECT … FOR
UPDATE) and retry nothing: every call must succeed, in some order, with no duplicates.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, transaction

from registry import permissions
from registry.errors import Forbidden
from registry.models import Alias, AliasEvent, Artifact, ArtifactVersion, Collection, LinkedVersion
from registry.selectors.versions import get_version_state, latest_index
from registry.services.aliases import add_alias
from registry.services.linking import link_version
from registry.services.registries import create_protected_alias
from tests.factories import link_new, make_project

THREADS = 8
LINKS_PER_THREAD = 50
MOVES_PER_THREAD = 12

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises all writers itself (one write lock per database); "
        "row-lock contention is only meaningful on PostgreSQL",
    ),
    # Threads use their own connections, so the data must be committed. No serialized
    # rollback: the autouse core-data fixture restores what a flush removes, and restoring
    # a snapshot after another test's flush re-created guardian's anonymous user failed.
    pytest.mark.django_db(transaction=True),
]


def run_in_threads(jobs):
    """Run each job list in its own thread, started together; re-raise any failure."""
    barrier = threading.Barrier(len(jobs))

    def worker(calls):
        try:
            barrier.wait()
            for call in calls:
                call()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        for future in [pool.submit(worker, calls) for calls in jobs]:
            future.result()


def sources(actor, count):
    project = make_project(actor, entity=actor.get_username())
    artifact = Artifact.objects.create(project=project, name="clf", type="model")
    return ArtifactVersion.objects.bulk_create(
        ArtifactVersion(artifact=artifact, index=i, digest=f"{i:064x}", created_by=actor)
        for i in range(count)
    )


def test_concurrent_links_get_every_index_exactly_once(registry, member):
    permissions.role_of(member, registry)  # load roles once; threads share the user
    pool = sources(member, THREADS * LINKS_PER_THREAD)

    def link(source):
        return lambda: link_version(
            registry=registry, collection_name="zoo", source=source, actor=member
        )

    run_in_threads(
        [
            [link(s) for s in pool[t * LINKS_PER_THREAD : (t + 1) * LINKS_PER_THREAD]]
            for t in range(THREADS)
        ]
    )
    collection = Collection.objects.get(registry=registry, name="zoo")
    found = list(
        LinkedVersion.objects.filter(collection=collection)
        .order_by("index")
        .values_list("index", flat=True)
    )
    assert found == list(range(THREADS * LINKS_PER_THREAD))
    assert LinkedVersion.objects.filter(collection=collection).values(
        "source"
    ).distinct().count() == (THREADS * LINKS_PER_THREAD)
    assert collection.next_index == THREADS * LINKS_PER_THREAD
    assert latest_index(collection) == THREADS * LINKS_PER_THREAD - 1
    assert get_version_state(collection, "latest").version.index == 399


def test_concurrent_moves_of_production_leave_one_holder_and_a_matching_history(registry, admin):
    create_protected_alias(registry=registry, name="production", actor=admin)
    versions = [link_new(admin, registry) for _ in range(THREADS)]
    permissions.role_of(admin, registry)

    def move(version):
        return lambda: add_alias(version=version, name="production", actor=admin)

    run_in_threads(
        [
            [move(versions[(t + i) % THREADS]) for i in range(MOVES_PER_THREAD)]
            for t in range(THREADS)
        ]
    )
    collection = versions[0].collection
    holders = list(Alias.objects.filter(collection=collection, name__iexact="production"))
    assert len(holders) == 1
    history = list(AliasEvent.objects.filter(collection=collection).order_by("id"))
    assert history[-1].to_version_id == holders[0].version_id
    assert history[-1].to_index == holders[0].version.index
    # The history is one unbroken chain: each move starts where the previous one ended.
    assert history[0].action == AliasEvent.Action.ADD
    for before, after in zip(history, history[1:], strict=False):
        assert after.action == AliasEvent.Action.MOVE
        assert after.from_index == before.to_index
        assert after.from_index != after.to_index


def test_an_alias_protected_while_a_member_adds_it_is_refused(registry, admin, member):
    """Protecting waits for alias writes in flight; writes after it see the protection."""
    version = link_new(member, registry)
    permissions.role_of(member, registry)
    permissions.role_of(admin, registry)
    protecting = threading.Event()
    outcome = []

    def protect():
        with transaction.atomic():
            create_protected_alias(registry=registry, name="production", actor=admin)
            protecting.set()
            time.sleep(0.5)  # the member's add starts now and must wait for this commit

    def add():
        protecting.wait()
        try:
            add_alias(version=version, name="production", actor=member)
            outcome.append("added")
        except Forbidden as refused:
            outcome.append(refused.message)

    run_in_threads([[protect], [add]])
    assert outcome == [
        "'production' is a protected alias in registry 'Model'; only registry admins can add it."
    ]
    assert not Alias.objects.filter(collection=version.collection).exists()


def test_concurrent_adds_of_the_same_tags_leave_one_of_each(registry, member):
    """Collection tags and version tags: the owner row is locked, so no duplicate-key error."""
    from registry.models import CollectionTag, VersionTag
    from registry.services.collections import add_collection_tags
    from registry.services.tags import add_version_tags

    version = link_new(member, registry)
    permissions.role_of(member, registry)

    def tag(i):
        names = ["best", "Reviewed", f"run-{i}"]
        return [
            lambda: add_collection_tags(collection=version.collection, names=names, actor=member),
            lambda: add_version_tags(version=version, names=names, actor=member),
        ]

    run_in_threads([tag(i) for i in range(THREADS)])
    for model, owner in ((CollectionTag, "collection"), (VersionTag, "version")):
        owned = model.objects.filter(
            **{owner: getattr(version, owner) if owner != "version" else version}
        )
        names = sorted(n.lower() for n in owned.values_list("name", flat=True))
        assert names == sorted(["best", "reviewed", *(f"run-{i}" for i in range(THREADS))])
