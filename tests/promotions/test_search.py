"""Search finds pending promotion requests for the admins who can decide them."""

from __future__ import annotations

import pytest

from tests.promotions.test_views import browser, text


def found(user, q: str) -> str:
    return text(browser(user).get("/search/", {"q": q}))


@pytest.mark.parametrize("q", ["production", "zoo", "alias:production", "Model/zoo:production"])
def test_admins_find_pending_requests_by_alias_and_collection(registry, zoo, pending, admin, q):
    page = found(admin, q)
    assert "Pending promotions" in page
    assert (
        f'href="/registries/Model/promotions/{pending.pk}/">#{pending.pk} Model/zoo: production'
        in (page)
    )


def test_members_and_admins_of_other_registries_do_not(
    registry, restricted, zoo, pending, member, org_admin
):
    assert "Pending promotions" not in found(member, "production")
    from registry import permissions
    from registry.services.registries import set_role
    from tests.factories import make_user

    other = make_user("other-admin")
    set_role(registry=restricted, user=other, role=permissions.ADMIN, actor=org_admin)
    assert "Pending promotions" not in found(other, "production")
    assert "Pending promotions" in found(org_admin, "production")


def test_decided_requests_are_not_listed(registry, zoo, pending, admin):
    from registry.services import promotions

    promotions.reject(promotion=pending, actor=admin, comment="no")
    assert "Pending promotions" not in found(admin, "production")
    assert "Pending promotions" not in found(admin, "staging")
