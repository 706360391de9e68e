"""registry.services.collections: create, describe, tag and delete collections."""

from __future__ import annotations

import pytest

from registry import permissions
from registry.errors import Conflict, Invalid, NotFound
from registry.models import Alias, AliasEvent, Collection, CollectionTag, LinkedVersion
from registry.names import TAG_RULE
from registry.services.collections import (
    COLLECTION_EXISTS,
    add_collection_tags,
    create_collection,
    delete_collection,
    remove_collection_tag,
    update_collection_description,
)
from registry.services.registries import create_protected_alias
from registry.services.tags import TAG_NOT_FOUND
from tests.factories import link_new
from tests.services.conftest import exactly

MEMBER, ADMIN = permissions.MEMBER, permissions.ADMIN


def tag_names(collection):
    return list(CollectionTag.objects.filter(collection=collection).values_list("name", flat=True))


# The role table, every persona.


def test_it_lets_members_and_up_create_a_collection(case):
    with case.expect(MEMBER, "Creating a collection"):
        create_collection(
            registry=case.registry, name="zoo", type_="model", actor=case.actor, tags=["vision"]
        )
    created = Collection.objects.filter(registry=case.registry, name="zoo").first()
    assert (created is not None) == case.allowed(MEMBER)
    if created is not None:
        assert (created.type, created.created_by, tag_names(created)) == (
            "model",
            case.actor,
            ["vision"],
        )


def test_it_lets_members_and_up_edit_a_collection_description(case, org_admin):
    collection = link_new(org_admin, case.registry).collection
    with case.expect(MEMBER, "Editing a description"):
        update_collection_description(
            collection=collection, description="  Zoo classifier  ", actor=case.actor
        )
    collection.refresh_from_db()
    assert collection.description == ("Zoo classifier" if case.allowed(MEMBER) else "")


def test_it_lets_members_and_up_add_collection_tags(case, org_admin):
    collection = link_new(org_admin, case.registry).collection
    with case.expect(MEMBER, "Editing tags"):
        add_collection_tags(collection=collection, names=["vision"], actor=case.actor)
    assert tag_names(collection) == (["vision"] if case.allowed(MEMBER) else [])


def test_it_lets_members_and_up_remove_a_collection_tag(case, org_admin):
    collection = link_new(org_admin, case.registry).collection
    add_collection_tags(collection=collection, names=["vision"], actor=org_admin)
    with case.expect(MEMBER, "Editing tags"):
        remove_collection_tag(collection=collection, name="vision", actor=case.actor)
    assert tag_names(collection) == ([] if case.allowed(MEMBER) else ["vision"])


def test_it_lets_members_and_up_delete_a_collection(case, org_admin):
    collection = link_new(org_admin, case.registry, aliases=["candidate"]).collection
    with case.expect(MEMBER, "Deleting a collection"):
        delete_collection(collection=collection, actor=case.actor)
    assert Collection.objects.filter(pk=collection.pk).exists() != case.allowed(MEMBER)


def test_it_lets_only_admins_delete_a_collection_holding_a_protected_alias(case, org_admin):
    create_protected_alias(registry=case.registry, name="production", actor=org_admin)
    link_new(org_admin, case.registry)
    collection = link_new(org_admin, case.registry, aliases=["Production"]).collection
    refused = permissions.DELETE_PROTECTED.format(
        collection="zoo", alias="Production", registry=case.registry.name
    )
    with case.expect(ADMIN, "Deleting a collection", protected=refused):
        delete_collection(collection=collection, actor=case.actor)
    gone = not Collection.objects.filter(pk=collection.pk).exists()
    assert gone == case.allowed(ADMIN)
    assert LinkedVersion.objects.filter(collection_id=collection.pk).count() == (0 if gone else 2)


# Behaviour.


def test_it_refuses_a_second_collection_with_the_same_name_in_any_case(registry, member):
    create_collection(registry=registry, name="zoo", type_="model", actor=member)
    message = COLLECTION_EXISTS.format(registry="Model", name="zoo")
    with pytest.raises(Conflict, match=exactly(message)):
        create_collection(registry=registry, name="ZOO", type_="model", actor=member)
    assert Collection.objects.filter(registry=registry).count() == 1


def test_it_allows_the_same_collection_name_in_another_registry(registry, restricted, member):
    create_collection(registry=registry, name="zoo", type_="model", actor=member)
    create_collection(registry=restricted, name="zoo", type_="model", actor=member)
    assert Collection.objects.filter(name="zoo").count() == 2


def test_it_refuses_a_type_the_registry_does_not_accept(registry, member):
    with pytest.raises(Invalid, match="^Registry 'Model' accepts only 'model'; 'dataset'"):
        create_collection(registry=registry, name="data", type_="dataset", actor=member)
    assert not Collection.objects.exists()


@pytest.mark.parametrize(
    ("name", "type_", "message"),
    [
        ("a b", "model", "'a b' is not a valid collection name"),
        ("zoo", "mo del", "'mo del' is not a valid artifact type"),
    ],
)
def test_it_refuses_malformed_names_and_types(registry, member, name, type_, message):
    with pytest.raises(Invalid, match=message):
        create_collection(registry=registry, name=name, type_=type_, actor=member)


def test_it_creates_nothing_when_a_tag_is_malformed(registry, member):
    with pytest.raises(Invalid, match=exactly(f"'bad!' is not a valid tag: {TAG_RULE}.")):
        create_collection(
            registry=registry, name="zoo", type_="model", actor=member, tags=["ok", "bad!"]
        )
    assert not Collection.objects.exists()


def test_it_adds_tags_once_case_insensitively(registry, member):
    collection = create_collection(registry=registry, name="zoo", type_="model", actor=member)
    add_collection_tags(collection=collection, names=["Vision", "vision", "nlp"], actor=member)
    add_collection_tags(collection=collection, names=["VISION"], actor=member)
    assert sorted(tag_names(collection)) == ["Vision", "nlp"]


def test_it_says_which_tag_is_missing(registry, member):
    collection = create_collection(registry=registry, name="zoo", type_="model", actor=member)
    with pytest.raises(NotFound, match=exactly(TAG_NOT_FOUND.format(name="ghost"))):
        remove_collection_tag(collection=collection, name="ghost", actor=member)


def test_deleting_a_collection_removes_its_versions_aliases_and_history(registry, admin):
    create_protected_alias(registry=registry, name="production", actor=admin)
    collection = link_new(admin, registry, aliases=["production", "candidate"]).collection
    delete_collection(collection=collection, actor=admin)
    assert not LinkedVersion.objects.exists()
    assert not Alias.objects.exists()
    assert not AliasEvent.objects.exists()


def test_describing_a_collection_deleted_meanwhile_is_not_found(org_admin, registry):
    collection = link_new(org_admin, registry).collection
    Collection.objects.filter(pk=collection.pk).delete()
    with pytest.raises(NotFound, match="no longer exists"):
        update_collection_description(collection=collection, description="x", actor=org_admin)
