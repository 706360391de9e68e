"""registry.permissions: who holds which role, who sees what, in few queries."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry import permissions
from registry.errors import NotFound
from registry.models import Registry
from registry.services.locks import lock_collection_named
from registry.services.registries import create_registry, set_role
from tests.factories import link_new, make_user
from tests.services.conftest import exactly


def many_registries(org_admin, user, count):
    """`count` registries, alternately restricted; `user` is Member of every third."""
    made = []
    for i in range(count):
        registry = create_registry(
            name=f"R{i:02d}",
            actor=org_admin,
            visibility=Registry.Visibility.RESTRICTED
            if i % 2
            else Registry.Visibility.ORGANIZATION,
        )
        if i % 3 == 0:
            set_role(registry=registry, user=user, role="member", actor=org_admin)
        made.append(registry)
    return made


@pytest.mark.parametrize("count", [4, 24])
def test_role_of_many_registries_takes_the_same_queries_whatever_their_number(
    org_admin, count, django_assert_num_queries
):
    user = make_user("many")
    registries = many_registries(org_admin, user, count)
    fresh = get_user_model().objects.get(pk=user.pk)  # a new object: nothing cached yet
    # guardian's prefetch: the user's own grants, then their groups' grants.
    with django_assert_num_queries(2):
        permissions.prefetch_roles(fresh, registries)
        roles = [permissions.role_of(fresh, r) for r in registries]
    expected = [
        "member" if i % 3 == 0 else ("viewer" if i % 2 == 0 else None) for i in range(count)
    ]
    assert roles == expected


def test_a_registrys_role_is_read_once_however_often_it_is_asked(org_admin):
    user = make_user("lazy")
    registries = many_registries(org_admin, user, 10)
    permissions.forget_cached_roles(user)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            permissions.can_write(user, registries[3])
            permissions.can_download(user, registries[3])
            permissions.is_admin(user, registries[3])
    assert len(queries) == 1


def test_visible_registries_is_one_query(org_admin, member):
    many_registries(org_admin, member, 9)
    permissions.forget_cached_roles(member)
    list(permissions.visible_registries(member))  # guardian caches the content type once
    with CaptureQueriesContext(connection) as queries:
        names = list(permissions.visible_registries(member).values_list("name", flat=True))
    assert len(queries) == 1  # the granted registries are a subquery
    # Organization registries (even i) plus the restricted ones with a role (i = 3, 9…).
    assert sorted(names) == ["Dataset", "Model", "R00", "R02", "R03", "R04", "R06", "R08"]


def test_superusers_are_admin_everywhere_without_a_query(org_admin, restricted):
    with CaptureQueriesContext(connection) as queries:
        assert permissions.role_of(org_admin, restricted) == permissions.ADMIN
    assert len(queries) == 0
    assert set(permissions.visible_registries(org_admin)) == set(Registry.objects.all())


def test_signed_out_and_inactive_users_have_no_role(registry, member):
    assert permissions.role_of(AnonymousUser(), registry) is None
    assert permissions.role_of(None, registry) is None
    assert not permissions.visible_registries(AnonymousUser()).exists()
    member.is_active = False
    assert permissions.role_of(member, registry) is None


def test_the_highest_role_applies_on_organization_registries(registry, restricted_viewer):
    # Granted Restricted viewer, but every signed-in user is at least Viewer here.
    assert permissions.role_of(restricted_viewer, registry) == permissions.VIEWER


@pytest.mark.parametrize(
    ("persona", "role"),
    [
        ("stranger", None),
        ("restricted_viewer", "restricted_viewer"),
        ("viewer", "viewer"),
        ("member", "member"),
        ("admin", "admin"),
        ("org_admin", "admin"),
    ],
)
def test_each_persona_holds_its_role_in_a_restricted_registry(request, restricted, persona, role):
    user = request.getfixturevalue(persona)
    assert permissions.role_of(user, restricted) == role
    assert permissions.can_see(user, restricted) == (role is not None)
    visible = set(permissions.visible_registries(user).values_list("name", flat=True))
    assert ("Secret" in visible) == (role is not None)


def test_it_finds_a_registry_case_insensitively_for_who_may_see_it(restricted, viewer, stranger):
    assert permissions.get_registry_for_user(viewer, "secret") == restricted
    message = permissions.REGISTRY_NOT_FOUND.format(name="secret")
    with pytest.raises(NotFound, match=exactly(message)):
        permissions.get_registry_for_user(stranger, "secret")
    with pytest.raises(NotFound, match=exactly(permissions.REGISTRY_NOT_FOUND.format(name="x"))):
        permissions.get_registry_for_user(viewer, "x")


def test_a_granted_role_takes_effect_at_once(restricted, org_admin, stranger):
    assert permissions.role_of(stranger, restricted) is None
    set_role(registry=restricted, user=stranger, role="viewer", actor=org_admin)
    assert permissions.role_of(stranger, restricted) == "viewer"


def test_granted_roles_lists_each_user_once_with_their_role(restricted, org_admin):
    granted = [(u.get_username(), r) for u, r in permissions.granted_roles(restricted)]
    assert granted == [
        ("admin", "admin"),
        ("member", "member"),
        ("restricted_viewer", "restricted_viewer"),
        ("root", "admin"),
        ("viewer", "viewer"),
    ]


@pytest.mark.parametrize("role", [None, "restricted_viewer", "viewer", "member", "admin"])
@pytest.mark.parametrize("visibility", ["organization", "restricted"])
def test_grants_read_with_the_collection_lock_give_the_role_guardian_gives(
    org_admin, role, visibility
):
    registry = create_registry(name="Locked", actor=org_admin, visibility=visibility)
    link_new(org_admin, registry, "zoo")
    user = make_user("granted")
    if role:
        set_role(registry=registry, user=user, role=role, actor=org_admin)
    expected = permissions.role_of(get_user_model().objects.get(pk=user.pk), registry)

    fresh = get_user_model().objects.get(pk=user.pk)
    if expected is None:
        with pytest.raises(NotFound):
            lock_collection_named(fresh, "Locked", "zoo")
        return
    with CaptureQueriesContext(connection) as queries:
        locked = lock_collection_named(fresh, "locked", "ZOO")
        assert permissions.role_of(fresh, locked.registry) == expected
    assert len(queries) == 1  # the lock; the role came with it
