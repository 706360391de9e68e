"""registry.services.linking: link and unlink versions (invariants 1-3, 7-9)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from registry import permissions
from registry.errors import Forbidden, Invalid, NotFound
from registry.models import Alias, AliasEvent, Collection, LinkedVersion
from registry.selectors.versions import get_version_state, latest_index
from registry.services.aliases import add_alias
from registry.services.linking import (
    TYPE_MISMATCH,
    TYPE_NOT_ACCEPTED,
    get_or_create_collection,
    link_version,
    unlink_version,
)
from registry.services.locks import COLLECTION_GONE, VERSION_GONE
from registry.services.registries import create_protected_alias, update_registry
from tests.factories import link_new, make_project, make_source
from tests.services.conftest import exactly

MEMBER, ADMIN = permissions.MEMBER, permissions.ADMIN


def own_source(actor, **kwargs):
    """A source version in the actor's personal entity (anyone may log there)."""
    return make_source(actor, project=make_project(actor, entity=actor.get_username()), **kwargs)


def indexes(collection):
    return sorted(
        LinkedVersion.objects.filter(collection=collection).values_list("index", flat=True)
    )


# The role table, every persona.


def test_it_lets_members_and_up_link_a_version(case):
    source = own_source(case.actor)
    with case.expect(MEMBER, "Linking a version"):
        link_version(registry=case.registry, collection_name="zoo", source=source, actor=case.actor)
    assert LinkedVersion.objects.filter(source=source).exists() == case.allowed(MEMBER)
    assert Collection.objects.filter(registry=case.registry).exists() == case.allowed(MEMBER)


def test_it_lets_only_admins_link_with_a_protected_alias(case, org_admin):
    create_protected_alias(registry=case.registry, name="production", actor=org_admin)
    source = own_source(case.actor)
    refused = permissions.PROTECTED_ALIAS.format(
        alias="production", registry=case.registry.name, verb="add"
    )
    with case.expect(ADMIN, "Linking a version", protected=refused):
        link_version(
            registry=case.registry,
            collection_name="zoo",
            source=source,
            aliases=["production"],
            actor=case.actor,
        )
    assert LinkedVersion.objects.filter(source=source).exists() == case.allowed(ADMIN)


def test_it_lets_members_and_up_unlink_a_version(case, org_admin):
    version = link_new(org_admin, case.registry, aliases=["candidate"])
    with case.expect(MEMBER, "Unlinking a version"):
        unlink_version(version=version, actor=case.actor)
    assert LinkedVersion.objects.filter(pk=version.pk).exists() != case.allowed(MEMBER)


def test_it_lets_only_admins_unlink_a_version_holding_a_protected_alias(case, org_admin):
    create_protected_alias(registry=case.registry, name="production", actor=org_admin)
    version = link_new(org_admin, case.registry, aliases=["candidate", "Production"])
    refused = permissions.UNLINK_PROTECTED.format(
        index=0, collection="zoo", alias="Production", registry=case.registry.name
    )
    with case.expect(ADMIN, "Unlinking a version", protected=refused):
        unlink_version(version=version, actor=case.actor)
    assert LinkedVersion.objects.filter(pk=version.pk).exists() != case.allowed(ADMIN)
    assert Alias.objects.filter(version_id=version.pk).count() == (0 if case.allowed(ADMIN) else 2)


# Indexes (invariant 1) and `latest` (invariant 2).


def test_it_numbers_versions_from_zero(registry, member):
    versions = [link_new(member, registry) for _ in range(3)]
    assert [v.index for v in versions] == [0, 1, 2]
    assert latest_index(versions[0].collection) == 2


def test_it_never_reuses_an_index_after_unlinking_the_newest(registry, member):
    v0, v1, v2 = (link_new(member, registry) for _ in range(3))
    unlink_version(version=v2, actor=member)
    assert latest_index(v0.collection) == 1
    assert get_version_state(v0.collection, "latest").version == v1
    v3 = link_new(member, registry)
    assert v3.index == 3
    assert indexes(v0.collection) == [0, 1, 3]
    assert get_version_state(v0.collection, "latest").version == v3


def test_it_keeps_latest_when_a_middle_version_is_unlinked(registry, member):
    v0, v1, v2 = (link_new(member, registry) for _ in range(3))
    unlink_version(version=v1, actor=member)
    assert latest_index(v0.collection) == 2
    assert indexes(v0.collection) == [0, 2]
    with pytest.raises(NotFound):
        get_version_state(v0.collection, "v1")
    assert link_new(member, registry).index == 3


def test_it_leaves_no_latest_after_unlinking_the_only_version(registry, member):
    only = link_new(member, registry)
    collection = only.collection
    unlink_version(version=only, actor=member)
    assert latest_index(collection) is None
    with pytest.raises(NotFound, match="'latest' does not name a version of 'zoo'"):
        get_version_state(collection, "latest")
    assert link_new(member, registry).index == 1


def test_it_records_the_removal_of_an_unlinked_versions_aliases(registry, member):
    version = link_new(member, registry, aliases=["candidate"])
    link_new(member, registry)
    unlink_version(version=version, actor=member)
    event = AliasEvent.objects.filter(collection=version.collection).first()
    assert (event.action, event.alias, event.from_index, event.actor) == (
        "remove",
        "candidate",
        0,
        member,
    )
    assert not Alias.objects.filter(collection=version.collection).exists()


def test_it_refuses_unlinking_twice(registry, member):
    version = link_new(member, registry)
    unlink_version(version=version, actor=member)
    with pytest.raises(NotFound, match=exactly(VERSION_GONE.format(collection="zoo"))):
        unlink_version(version=version, actor=member)


# Aliases passed to a link.


def test_it_links_with_aliases_and_fires_link_then_alias_events(registry, member, emitted):
    source = own_source(member)
    linked, created = link_version(
        registry=registry,
        collection_name="zoo",
        source=source,
        aliases=["candidate", "best"],
        actor=member,
    )
    assert created
    assert sorted(linked.aliases.values_list("name", flat=True)) == ["best", "candidate"]
    assert [(e.type, e.alias) for e in emitted] == [
        ("LINK_ARTIFACT", None),
        ("ADD_ARTIFACT_ALIAS", "candidate"),
        ("ADD_ARTIFACT_ALIAS", "best"),
    ]


def test_it_accepts_and_ignores_latest_and_the_versions_own_number(registry, member):
    link_new(member, registry)
    linked = link_new(member, registry, aliases=["latest", "V1", "v1", "LATEST", "candidate"])
    assert linked.index == 1
    assert list(linked.aliases.values_list("name", flat=True)) == ["candidate"]


def test_it_ignores_another_versions_number_in_a_link(registry, member, emitted):
    source = own_source(member)
    linked, _ = link_version(
        registry=registry,
        collection_name="zoo",
        source=source,
        aliases=["candidate", "v3"],
        actor=member,
    )
    assert list(linked.aliases.values_list("name", flat=True)) == ["candidate"]
    assert list(AliasEvent.objects.values_list("alias", flat=True)) == ["candidate"]


def test_it_links_all_or_nothing_when_a_protected_alias_is_refused(
    registry, member, admin, emitted
):
    create_protected_alias(registry=registry, name="production", actor=admin)
    source = own_source(member)
    with pytest.raises(Forbidden, match="'production' is a protected alias"):
        link_version(
            registry=registry,
            collection_name="zoo",
            source=source,
            aliases=["candidate", "production"],
            actor=member,
        )
    assert not Collection.objects.exists()
    assert not LinkedVersion.objects.exists()
    assert not AliasEvent.objects.exists()
    assert emitted == []


def test_it_relinks_all_or_nothing_into_an_existing_collection(registry, member, admin):
    create_protected_alias(registry=registry, name="production", actor=admin)
    v0 = link_new(admin, registry, aliases=["production"])
    source = own_source(member)
    with pytest.raises(Forbidden, match="only registry admins can move it"):
        link_version(
            registry=registry,
            collection_name="zoo",
            source=source,
            aliases=["candidate", "production"],
            actor=member,
        )
    assert indexes(v0.collection) == [0]
    assert Collection.objects.get(pk=v0.collection_id).next_index == 1
    assert link_new(member, registry).index == 1


def test_it_returns_the_existing_version_when_linking_the_same_source_again(
    registry, member, emitted
):
    source = own_source(member)
    first, created = link_version(
        registry=registry, collection_name="zoo", source=source, aliases=["a"], actor=member
    )
    emitted.clear()
    again, created_again = link_version(
        registry=registry, collection_name="ZOO", source=source, aliases=["a", "b"], actor=member
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.index == 0
    assert sorted(again.aliases.values_list("name", flat=True)) == ["a", "b"]
    assert [(e.type, e.alias) for e in emitted] == [("ADD_ARTIFACT_ALIAS", "b")]
    assert LinkedVersion.objects.count() == 1


def test_it_gives_a_relinked_source_a_new_number_after_an_unlink(registry, member):
    source = own_source(member)
    first, _ = link_version(registry=registry, collection_name="zoo", source=source, actor=member)
    link_new(member, registry)
    unlink_version(version=first, actor=member)
    again, created = link_version(
        registry=registry, collection_name="zoo", source=source, actor=member
    )
    assert created and again.index == 2


def test_it_moves_an_alias_held_by_another_version_when_linking(registry, member):
    v0 = link_new(member, registry, aliases=["candidate"])
    v1 = link_new(member, registry, aliases=["candidate"])
    assert get_version_state(v0.collection, "candidate").version == v1
    event = AliasEvent.objects.first()
    assert (event.action, event.from_index, event.to_index) == ("move", 0, 1)


# Types and collections (invariant 8).


def test_it_creates_a_missing_collection_with_the_artifacts_type(registry, member):
    linked = link_new(member, registry, collection="new_one")
    collection = Collection.objects.get(registry=registry, name="new_one")
    assert (collection.type, collection.created_by, linked.collection) == (
        "model",
        member,
        collection,
    )


def test_it_refuses_a_type_the_registry_does_not_accept_and_says_who_can_add_it(
    registry, member, admin
):
    source = own_source(member, type_="dataset", name="zoo_dataset")
    message = (
        "Registry 'Model' accepts only 'model'; 'dataset' artifacts cannot be linked to it. "
        "A registry admin can add 'dataset' to the accepted types in the registry settings."
    )
    assert message == TYPE_NOT_ACCEPTED.format(
        registry="Model", accepted="only 'model'", type="dataset"
    )
    with pytest.raises(Invalid, match=exactly(message)):
        link_version(registry=registry, collection_name="data", source=source, actor=member)
    assert not Collection.objects.exists()
    registry = update_registry(registry=registry, actor=admin, add_types=["dataset"])
    linked, _ = link_version(registry=registry, collection_name="data", source=source, actor=member)
    assert linked.collection.type == "dataset"


def test_it_refuses_a_type_other_than_the_collections(restricted, org_admin):
    link_new(org_admin, restricted, collection="zoo", type_="model")
    source = make_source(org_admin, type_="dataset", name="zoo_data")
    message = TYPE_MISMATCH.format(collection="zoo", expected="model", type="dataset")
    assert message == (
        "Collection 'zoo' holds 'model' artifacts; a 'dataset' artifact cannot be linked to it."
    )
    with pytest.raises(Invalid, match=exactly(message)):
        link_version(registry=restricted, collection_name="zoo", source=source, actor=org_admin)
    assert indexes(Collection.objects.get(registry=restricted)) == [0]


def test_it_refuses_a_malformed_collection_name(registry, member):
    source = own_source(member)
    with pytest.raises(Invalid, match="is not a valid collection name"):
        link_version(registry=registry, collection_name="a/b", source=source, actor=member)


def test_the_database_refuses_a_duplicate_index(registry, member):
    v0 = link_new(member, registry)
    other = own_source(member)
    with pytest.raises(IntegrityError), transaction.atomic():
        LinkedVersion.objects.create(collection=v0.collection, index=0, source=other)


def test_the_database_refuses_the_same_source_twice_in_a_collection(registry, member):
    v0 = link_new(member, registry)
    with pytest.raises(IntegrityError), transaction.atomic():
        LinkedVersion.objects.create(collection=v0.collection, index=7, source=v0.source)


def test_a_member_may_move_a_custom_alias_off_a_version_then_unlink_it(registry, member):
    v0 = link_new(member, registry, aliases=["candidate"])
    v1 = link_new(member, registry)
    add_alias(version=v1, name="candidate", actor=member)
    unlink_version(version=v0, actor=member)
    assert indexes(v1.collection) == [1]


def test_it_says_so_when_the_collection_was_deleted_meanwhile(registry, member):
    version = link_new(member, registry)
    Collection.objects.filter(pk=version.collection_id).delete()  # as if by another request
    with pytest.raises(NotFound, match=exactly(COLLECTION_GONE)):
        add_alias(version=version, name="candidate", actor=member)
    with pytest.raises(NotFound, match=exactly(COLLECTION_GONE)):
        unlink_version(version=version, actor=member)


def test_creating_a_collection_on_its_own_needs_a_member(registry, viewer):
    message = (
        "Creating a collection in registry 'Model' needs the Member role or higher; "
        "your role is Viewer."
    )
    with pytest.raises(Forbidden, match=exactly(message)):
        get_or_create_collection(registry=registry, name="zoo", type_="model", actor=viewer)
    assert not Collection.objects.exists()


def test_it_takes_a_single_alias_string_as_one_alias(registry, member):
    source = own_source(member)
    linked, _ = link_version(
        registry=registry, collection_name="zoo", source=source, aliases="staging", actor=member
    )
    assert list(linked.aliases.values_list("name", flat=True)) == ["staging"]


def test_it_refuses_linking_a_source_of_an_entity_the_member_is_not_in(registry, member, admin):
    from registry.errors import Forbidden
    from registry.models import LinkedVersion
    from registry.permissions import NOT_TEAM_MEMBER
    from tests.factories import make_project, make_source

    private = make_source(admin, project=make_project(admin, entity="admins-only"))
    with pytest.raises(Forbidden) as refused:
        link_version(registry=registry, collection_name="zoo", source=private, actor=member)
    assert refused.value.message == NOT_TEAM_MEMBER.format(name="admins-only")
    assert not LinkedVersion.objects.exists()
