"""registry.services.registries: registries, settings, roles and protected aliases."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from registry import permissions
from registry.errors import Conflict, Forbidden, Invalid, NotFound
from registry.models import ProtectedAlias, Registry
from registry.services.aliases import RESERVED_ALIAS, remove_alias
from registry.services.registries import (
    LAST_ADMIN,
    PROTECTED_EXISTS,
    PROTECTED_NOT_FOUND,
    REGISTRY_EXISTS,
    ROLE_INVALID,
    TYPES_ADD_ONLY,
    VISIBILITY_INVALID,
    VISIBILITY_ONE_WAY,
    create_protected_alias,
    create_registry,
    delete_protected_alias,
    set_role,
    update_registry,
)
from tests.factories import link_new, make_user
from tests.services.conftest import PERSONA_ROLES, exactly

ADMIN = permissions.ADMIN


def protected(registry):
    return list(ProtectedAlias.objects.filter(registry=registry).values_list("name", flat=True))


# The role table, every persona.


@pytest.mark.parametrize("persona", list(PERSONA_ROLES))
def test_it_lets_only_organization_admins_create_a_registry(request, persona, registry):
    actor = request.getfixturevalue(persona)
    if persona == "org_admin":
        created = create_registry(name="Vision", actor=actor)
        assert permissions.role_of(actor, created) == ADMIN
    else:
        with pytest.raises(Forbidden, match=exactly(permissions.NEED_ORG_ADMIN)):
            create_registry(name="Vision", actor=actor)
        assert not Registry.objects.filter(name="Vision").exists()


def test_it_lets_only_admins_edit_settings(case):
    with case.expect(ADMIN, "Editing registry settings"):
        update_registry(
            registry=case.registry, actor=case.actor, description="new", add_types=["code"]
        )
    case.registry.refresh_from_db()
    assert (case.registry.description == "new") == case.allowed(ADMIN)
    assert ("code" in case.registry.accepted_types) == case.allowed(ADMIN)


def test_it_lets_only_admins_set_roles(case):
    newcomer = make_user("newcomer")
    with case.expect(ADMIN, "Changing members and roles"):
        set_role(registry=case.registry, user=newcomer, role="member", actor=case.actor)
    expected = "member" if case.allowed(ADMIN) else None
    if case.registry.visibility == Registry.Visibility.ORGANIZATION and expected is None:
        expected = "viewer"
    assert permissions.role_of(newcomer, case.registry) == expected


def test_it_lets_only_admins_create_a_protected_alias(case):
    with case.expect(ADMIN, "Creating a protected alias"):
        create_protected_alias(registry=case.registry, name="production", actor=case.actor)
    assert protected(case.registry) == (["production"] if case.allowed(ADMIN) else [])


def test_it_lets_only_admins_delete_a_protected_alias(case, org_admin):
    create_protected_alias(registry=case.registry, name="production", actor=org_admin)
    with case.expect(ADMIN, "Deleting a protected alias"):
        delete_protected_alias(registry=case.registry, name="production", actor=case.actor)
    assert protected(case.registry) == ([] if case.allowed(ADMIN) else ["production"])


# Registries.


def test_it_makes_the_creator_admin_and_cleans_the_accepted_types(org_admin, member):
    created = create_registry(
        name="Vision",
        actor=org_admin,
        description="  cv  ",
        accepted_types=["Model", "model", " dataset "],
    )
    assert (created.description, created.accepted_types) == ("cv", ["model", "dataset"])
    assert permissions.granted_roles(created) == [(org_admin, ADMIN)]
    assert permissions.role_of(member, created) == "viewer"  # organization-wide


def test_it_refuses_a_registry_name_taken_in_any_case(org_admin):
    with pytest.raises(Conflict, match=exactly(REGISTRY_EXISTS.format(name="model"))):
        create_registry(name="model", actor=org_admin)


@pytest.mark.parametrize("name", ["", "a b", "x" * 114, "wandb/registry"])
def test_it_refuses_a_malformed_registry_name(org_admin, name):
    with pytest.raises(Invalid, match="is not a valid registry name"):
        create_registry(name=name, actor=org_admin)


def test_it_refuses_an_unknown_visibility(org_admin):
    with pytest.raises(Invalid, match=exactly(VISIBILITY_INVALID.format(value="public"))):
        create_registry(name="Vision", actor=org_admin, visibility="public")


def test_it_lets_visibility_go_only_from_organization_to_restricted(registry, admin, stranger):
    update_registry(registry=registry, actor=admin, visibility=Registry.Visibility.RESTRICTED)
    registry.refresh_from_db()
    assert registry.visibility == Registry.Visibility.RESTRICTED
    assert permissions.role_of(stranger, registry) is None
    with pytest.raises(Invalid, match=exactly(VISIBILITY_ONE_WAY)):
        update_registry(registry=registry, actor=admin, visibility=Registry.Visibility.ORGANIZATION)


def test_it_only_adds_accepted_types(registry, admin):
    update_registry(registry=registry, actor=admin, add_types=["Dataset", "model"])
    registry.refresh_from_db()
    assert registry.accepted_types == ["model", "dataset"]
    assert "never removed" in TYPES_ADD_ONLY
    with pytest.raises(Invalid, match="'bad type' is not a valid artifact type"):
        update_registry(registry=registry, actor=admin, add_types=["bad type"])


# Roles.


def test_it_changes_and_removes_roles(restricted, admin, member):
    set_role(registry=restricted, user=member, role="viewer", actor=admin)
    assert permissions.role_of(member, restricted) == "viewer"
    set_role(registry=restricted, user=member, role=None, actor=admin)
    assert permissions.role_of(member, restricted) is None
    assert member not in [u for u, _ in permissions.granted_roles(restricted)]


def test_it_refuses_an_unknown_role(registry, admin, member):
    with pytest.raises(Invalid, match=exactly(ROLE_INVALID.format(value="owner"))):
        set_role(registry=registry, user=member, role="owner", actor=admin)


def test_it_refuses_demoting_the_only_admin_of_a_restricted_registry(org_admin, admin):
    secret = create_registry(name="Vault", actor=org_admin)
    update_registry(registry=secret, actor=org_admin, visibility=Registry.Visibility.RESTRICTED)
    set_role(registry=secret, user=admin, role="admin", actor=org_admin)
    set_role(registry=secret, user=org_admin, role=None, actor=org_admin)
    message = LAST_ADMIN.format(user="admin", registry="Vault")
    with pytest.raises(Invalid, match=exactly(message)):
        set_role(registry=secret, user=admin, role="member", actor=admin)
    assert permissions.role_of(admin, secret) == ADMIN


# Protected aliases.


def test_it_refuses_a_protected_alias_that_exists_in_any_case(registry, admin):
    create_protected_alias(registry=registry, name="Production", actor=admin)
    message = PROTECTED_EXISTS.format(name="PRODUCTION", registry="Model")
    with pytest.raises(Conflict, match=exactly(message)):
        create_protected_alias(registry=registry, name="PRODUCTION", actor=admin)


@pytest.mark.parametrize("name", ["latest", "v2"])
def test_it_refuses_a_reserved_protected_alias(registry, admin, name):
    with pytest.raises(Invalid, match=exactly(RESERVED_ALIAS.format(name=name))):
        create_protected_alias(registry=registry, name=name, actor=admin)


def test_it_says_which_protected_alias_is_missing(registry, admin):
    message = PROTECTED_NOT_FOUND.format(name="ghost", registry="Model")
    with pytest.raises(NotFound, match=exactly(message)):
        delete_protected_alias(registry=registry, name="ghost", actor=admin)


def test_deleting_protection_makes_the_alias_custom_again(registry, admin, member):
    create_protected_alias(registry=registry, name="production", actor=admin)
    version = link_new(admin, registry, aliases=["production"])
    with pytest.raises(Forbidden):
        remove_alias(version=version, name="production", actor=member)
    delete_protected_alias(registry=registry, name="PRODUCTION", actor=admin)
    remove_alias(version=version, name="production", actor=member)
    assert not version.aliases.exists()


# The database holds the rules even when the services are bypassed.


def test_the_database_refuses_a_protected_alias_twice_in_any_case(registry, admin):
    create_protected_alias(registry=registry, name="production", actor=admin)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProtectedAlias.objects.create(registry=registry, name="PRODUCTION")


@pytest.mark.parametrize("name", ["latest", "V7"])
def test_the_database_refuses_a_reserved_protected_alias(registry, name):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProtectedAlias.objects.create(registry=registry, name=name)


def test_the_database_refuses_a_registry_name_taken_in_any_case(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Registry.objects.create(name="MODEL")
