"""The Django admin: pages load for a superuser; history is read-only."""

from __future__ import annotations

import pytest

from registry.models import AliasEvent
from tests.factories import link_new


@pytest.fixture
def admin_client_with_data(client, org_admin, registry, member):
    v0 = link_new(member, registry, aliases=["candidate"])
    link_new(member, registry, aliases=["candidate"])
    assert v0.index == 0
    client.force_login(org_admin)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/registry/registry/",
        "/admin/registry/collection/",
        "/admin/registry/linkedversion/",
        "/admin/registry/alias/",
        "/admin/registry/protectedalias/",
        "/admin/registry/aliasevent/",
        "/admin/registry/artifactversion/",
        "/admin/registry/apikey/",
    ],
)
def test_the_admin_pages_load_for_a_superuser(admin_client_with_data, url):
    response = admin_client_with_data.get(url)
    assert response.status_code == 200


def test_the_registry_changelist_lists_the_core_registries(admin_client_with_data):
    content = admin_client_with_data.get("/admin/registry/registry/").content.decode()
    assert "Model" in content and "Dataset" in content


def test_alias_history_is_read_only(admin_client_with_data):
    event = AliasEvent.objects.first()
    assert admin_client_with_data.get("/admin/registry/aliasevent/add/").status_code == 403
    page = admin_client_with_data.get(f"/admin/registry/aliasevent/{event.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    posted = admin_client_with_data.post(
        f"/admin/registry/aliasevent/{event.pk}/change/", {"alias": "forged"}
    )
    assert posted.status_code == 403
    delete = admin_client_with_data.post(
        f"/admin/registry/aliasevent/{event.pk}/delete/", {"post": "yes"}
    )
    assert delete.status_code == 403
    event.refresh_from_db()
    assert event.alias == "candidate"


def test_the_admin_refuses_non_staff(client, member):
    client.force_login(member)
    response = client.get("/admin/registry/aliasevent/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
