"""registry.services.aliases: add, move and remove aliases (invariants 2-6, 9)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from registry import permissions
from registry.errors import Forbidden, Invalid, NotFound
from registry.models import Alias, AliasEvent
from registry.names import ALIAS_RULE
from registry.selectors.versions import get_version_state
from registry.services.aliases import (
    ALIAS_NOT_HELD,
    RESERVED_ALIAS,
    add_alias,
    add_aliases,
    remove_alias,
)
from registry.services.linking import unlink_version
from registry.services.registries import create_protected_alias
from tests.factories import link_new
from tests.services.conftest import exactly

MEMBER, ADMIN = permissions.MEMBER, permissions.ADMIN


def holder(version, name):
    return Alias.objects.filter(collection=version.collection, name__iexact=name).first()


def protected_message(alias, registry, verb):
    return permissions.PROTECTED_ALIAS.format(alias=alias, registry=registry.name, verb=verb)


# The role table, every persona: custom aliases need Member, protected ones Admin.


def test_it_lets_members_and_up_add_a_custom_alias(case, org_admin):
    version = link_new(org_admin, case.registry)
    with case.expect(MEMBER, "Changing alias 'candidate'"):
        add_alias(version=version, name="candidate", actor=case.actor)
    assert (holder(version, "candidate") is not None) == case.allowed(MEMBER)


def test_it_lets_members_and_up_move_a_custom_alias(case, org_admin):
    v0 = link_new(org_admin, case.registry, aliases=["candidate"])
    v1 = link_new(org_admin, case.registry)
    with case.expect(MEMBER, "Changing alias 'candidate'"):
        add_alias(version=v1, name="candidate", actor=case.actor)
    expected = v1 if case.allowed(MEMBER) else v0
    assert holder(v0, "candidate").version_id == expected.pk


def test_it_lets_members_and_up_remove_a_custom_alias(case, org_admin):
    version = link_new(org_admin, case.registry, aliases=["candidate"])
    with case.expect(MEMBER, "Changing alias 'candidate'"):
        remove_alias(version=version, name="candidate", actor=case.actor)
    assert (holder(version, "candidate") is None) == case.allowed(MEMBER)


def test_it_lets_only_admins_add_a_protected_alias(case, org_admin):
    create_protected_alias(registry=case.registry, name="production", actor=org_admin)
    version = link_new(org_admin, case.registry)
    refused = protected_message("production", case.registry, "add")
    with case.expect(ADMIN, "Changing alias 'production'", protected=refused):
        add_alias(version=version, name="production", actor=case.actor)
    assert (holder(version, "production") is not None) == case.allowed(ADMIN)


def test_it_lets_only_admins_move_a_protected_alias(case, org_admin):
    create_protected_alias(registry=case.registry, name="production", actor=org_admin)
    v0 = link_new(org_admin, case.registry, aliases=["production"])
    v1 = link_new(org_admin, case.registry)
    refused = protected_message("production", case.registry, "move")
    with case.expect(ADMIN, "Changing alias 'production'", protected=refused):
        add_alias(version=v1, name="production", actor=case.actor)
    expected = v1 if case.allowed(ADMIN) else v0
    assert holder(v0, "production").version_id == expected.pk


def test_it_lets_only_admins_remove_a_protected_alias(case, org_admin):
    create_protected_alias(registry=case.registry, name="production", actor=org_admin)
    version = link_new(org_admin, case.registry, aliases=["production"])
    refused = protected_message("production", case.registry, "remove")
    with case.expect(ADMIN, "Changing alias 'production'", protected=refused):
        remove_alias(version=version, name="production", actor=case.actor)
    assert (holder(version, "production") is None) == case.allowed(ADMIN)


def test_it_names_the_protected_alias_and_registry_when_refusing_a_member(registry, member, admin):
    create_protected_alias(registry=registry, name="production", actor=admin)
    version = link_new(member, registry)
    with pytest.raises(Forbidden) as refused:
        add_alias(version=version, name="production", actor=member)
    assert refused.value.message == (
        "'production' is a protected alias in registry 'Model'; only registry admins can add it."
    )
    assert refused.value.status == 403


def test_it_treats_protection_case_insensitively(registry, member, admin):
    create_protected_alias(registry=registry, name="production", actor=admin)
    version = link_new(member, registry)
    with pytest.raises(Forbidden, match="'PRODUCTION' is a protected alias"):
        add_alias(version=version, name="PRODUCTION", actor=member)


def test_it_keeps_protection_per_registry(registry, restricted, member, admin):
    create_protected_alias(registry=registry, name="production", actor=admin)
    version = link_new(member, restricted)
    add_alias(version=version, name="production", actor=member)
    assert holder(version, "production") is not None


# Moves, history and events.


def test_it_records_a_move_with_both_indexes_and_the_actor(registry, member, admin, emitted):
    v0 = link_new(member, registry, aliases=["candidate"])
    v1 = link_new(member, registry)
    emitted.clear()
    add_alias(version=v1, name="candidate", actor=admin)
    event = AliasEvent.objects.filter(collection=v0.collection).first()  # newest first
    assert (event.action, event.alias) == (AliasEvent.Action.MOVE, "candidate")
    assert (event.from_index, event.to_index) == (0, 1)
    assert (event.from_version, event.to_version, event.actor) == (v0, v1, admin)
    assert [(e.type, e.alias, e.previous_index, e.version) for e in emitted] == [
        ("ADD_ARTIFACT_ALIAS", "candidate", 0, v1)
    ]
    assert Alias.objects.filter(collection=v0.collection).count() == 1


def test_it_records_add_and_remove_in_the_history(registry, member):
    version = link_new(member, registry)
    add_alias(version=version, name="candidate", actor=member)
    remove_alias(version=version, name="candidate", actor=member)
    history = list(
        AliasEvent.objects.filter(collection=version.collection).values_list(
            "action", "alias", "from_index", "to_index", "actor__username"
        )
    )
    assert history == [
        ("remove", "candidate", 0, None, "member"),
        ("add", "candidate", None, 0, "member"),
    ]


def test_it_does_nothing_when_readding_an_alias_the_version_holds(registry, member, emitted):
    version = link_new(member, registry, aliases=["candidate"])
    events_before = AliasEvent.objects.count()
    emitted.clear()
    state = add_alias(version=version, name="candidate", actor=member)
    state_again = add_alias(version=version, name="CANDIDATE", actor=member)
    assert state.aliases == state_again.aliases == ("candidate",)
    assert Alias.objects.filter(version=version).count() == 1
    assert AliasEvent.objects.count() == events_before
    assert emitted == []


def test_it_lets_a_member_readd_a_protected_alias_the_version_holds(registry, member, admin):
    create_protected_alias(registry=registry, name="production", actor=admin)
    version = link_new(admin, registry, aliases=["production"])
    events_before = AliasEvent.objects.count()
    add_alias(version=version, name="production", actor=member)  # changes nothing
    assert AliasEvent.objects.count() == events_before


def test_it_fires_no_event_and_writes_nothing_when_refused(registry, member, admin, emitted):
    create_protected_alias(registry=registry, name="production", actor=admin)
    v0 = link_new(admin, registry, aliases=["production"])
    v1 = link_new(admin, registry)
    events_before = AliasEvent.objects.count()
    emitted.clear()
    with pytest.raises(Forbidden):
        add_alias(version=v1, name="production", actor=member)
    with pytest.raises(Forbidden):
        remove_alias(version=v0, name="production", actor=member)
    assert AliasEvent.objects.count() == events_before
    assert emitted == []
    assert holder(v0, "production").version_id == v0.pk


# Case-insensitive uniqueness (invariant 4), per collection (invariant 5).


def test_it_treats_aliases_differing_in_case_as_one_shown_as_first_typed(registry, member):
    v0 = link_new(member, registry, aliases=["Production"])
    v1 = link_new(member, registry)
    add_alias(version=v1, name="production", actor=member)
    aliases = list(Alias.objects.filter(collection=v0.collection).values_list("name", "version"))
    assert aliases == [("Production", v1.pk)]
    assert get_version_state(v0.collection, "PRODUCTION").version == v1


def test_it_keeps_aliases_separate_per_collection(registry, member):
    a = link_new(member, registry, collection="zoo", aliases=["candidate"])
    b = link_new(member, registry, collection="cats", aliases=["candidate"])
    assert holder(a, "candidate").version_id == a.pk
    assert holder(b, "candidate").version_id == b.pk


# Reserved and malformed names (invariants 2, 3).


@pytest.mark.parametrize("name", ["latest", "LATEST", "v3", "V3", "v0"])
def test_it_ignores_reserved_names_and_refuses_removing_them(registry, member, name):
    version = link_new(member, registry)
    state = add_aliases(version=version, names=[name, "candidate"], actor=member)
    assert state.aliases == ("candidate",)
    add_alias(version=version, name=name, actor=member)
    assert list(Alias.objects.values_list("name", flat=True)) == ["candidate"]
    with pytest.raises(Invalid, match=exactly(RESERVED_ALIAS.format(name=name))):
        remove_alias(version=version, name=name, actor=member)


@pytest.mark.parametrize(
    "name", ["", " lead", "trail ", "a" * 129, "slash/y", "colon:y", "new\nline", "nul\x00"]
)
def test_it_refuses_malformed_names_with_the_rule(registry, member, name):
    version = link_new(member, registry)
    with pytest.raises(Invalid, match=re_rule(name)):
        add_alias(version=version, name=name, actor=member)
    assert not Alias.objects.exists()


def re_rule(name):
    shown = name[:60] + ("..." if len(name) > 60 else "")
    shown = repr(shown) if any(ord(c) < 32 for c in shown) else f"'{shown}'"
    return exactly(f"{shown} is not a valid alias: {ALIAS_RULE}.")


@pytest.mark.parametrize(
    "name", ["best_model-2.1", "-lead", "has space", "prod@eu+1", "生产", "día, noche", "a" * 128]
)
def test_it_accepts_what_wandb_accepts(registry, member, name):
    version = link_new(member, registry)
    add_alias(version=version, name=name, actor=member)
    assert holder(version, name) is not None


def test_it_says_which_alias_a_version_lacks(registry, member):
    version = link_new(member, registry)
    message = ALIAS_NOT_HELD.format(index=0, collection="zoo", name="ghost")
    with pytest.raises(NotFound, match=exactly(message)):
        remove_alias(version=version, name="ghost", actor=member)


def test_it_refuses_changes_on_an_unlinked_version(registry, member):
    version = link_new(member, registry)
    link_new(member, registry)
    unlink_version(version=version, actor=member)
    with pytest.raises(NotFound, match="no longer linked to 'zoo'"):
        add_alias(version=version, name="candidate", actor=member)


# The database holds the rules even when the services are bypassed.


def test_the_database_refuses_a_duplicate_alias_differing_only_in_case(registry, member):
    link_new(member, registry, aliases=["production"])
    other = link_new(member, registry)
    with pytest.raises(IntegrityError), transaction.atomic():
        Alias.objects.create(collection=other.collection, version=other, name="PRODUCTION")


@pytest.mark.parametrize("name", ["latest", "Latest", "v3", "V12"])
def test_the_database_refuses_a_stored_reserved_alias(registry, member, name):
    version = link_new(member, registry)
    with pytest.raises(IntegrityError), transaction.atomic():
        Alias.objects.create(collection=version.collection, version=version, name=name)


# Several aliases at once (the Add alias input takes a comma-separated list)


def test_it_lets_members_and_up_add_several_aliases_at_once(case, org_admin):
    from registry.services.aliases import add_aliases

    version = link_new(org_admin, case.registry)
    with case.expect(MEMBER, "Changing alias 'production-us'"):
        add_aliases(version=version, names=["production-us", "production-eu"], actor=case.actor)
    expected = ["production-eu", "production-us"] if case.allowed(MEMBER) else []
    assert sorted(Alias.objects.filter(version=version).values_list("name", flat=True)) == (
        expected
    )


def test_several_aliases_are_added_all_or_none(registry, org_admin, member):
    from registry.services.aliases import SEVERAL_REFUSED, add_aliases

    create_protected_alias(registry=registry, name="production", actor=org_admin)
    version = link_new(org_admin, registry)
    with pytest.raises(Forbidden) as refused:
        add_aliases(version=version, names=["candidate", "production"], actor=member)
    assert refused.value.message == SEVERAL_REFUSED.format(
        message=protected_message("production", registry, "add")
    )
    assert not Alias.objects.filter(version=version).exists()
    assert not AliasEvent.objects.filter(collection=version.collection).exists()


def test_several_aliases_move_each_and_record_each(registry, member):
    from registry.services.aliases import add_aliases

    v0 = link_new(member, registry, aliases=["staging"])
    v1 = link_new(member, registry)
    added = add_aliases(version=v1, names=["staging", "candidate", "CANDIDATE"], actor=member)
    assert added.aliases == ("candidate", "staging")
    assert holder(v0, "staging").version_id == v1.pk
    actions = list(
        AliasEvent.objects.filter(collection=v1.collection)
        .order_by("id")
        .values_list("alias", "action")
    )
    assert actions == [
        ("staging", AliasEvent.Action.ADD),
        ("staging", AliasEvent.Action.MOVE),
        ("candidate", AliasEvent.Action.ADD),
    ]


@pytest.mark.parametrize(("first", "again"), [("Äpfel", "äPFEL"), ("İstanbul", "istanbul")])
def test_names_differing_only_in_case_are_one_alias_in_any_script(registry, member, first, again):
    a = link_new(member, registry)
    b = link_new(member, registry)
    add_alias(version=a, name=first, actor=member)
    add_alias(version=b, name=again, actor=member)
    assert list(Alias.objects.values_list("name", "version__index")) == [(first, 1)]
