"""Refusals outside the views' own error handling still get the app's error page, with a
way back: a failed CSRF check, a bare 403, a 404 reached from a link; and the favicon."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.views.conftest import text

pytestmark = pytest.mark.django_db


def test_a_csrf_failure_explains_itself_with_a_way_back(member, registry):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    referer = "http://testserver/registries/Model/"
    response = client.post("/registries/Model/", {"name": "zoo"}, HTTP_REFERER=referer)
    assert response.status_code == 403
    page = text(response)
    assert "Form expired" in page and "security token" in page
    assert 'href="/registries/Model/"' in page and "Back to the previous page" in page
    assert "Back to the registries" in page


def test_a_404_links_back_to_the_page_the_user_came_from(client, member):
    client.force_login(member)
    response = client.get("/registries/Nope/", HTTP_REFERER="http://testserver/search/?q=x")
    assert response.status_code == 404
    assert 'href="/search/?q=x"' in text(response)


def test_the_way_back_never_leads_off_the_site(client, member):
    client.force_login(member)
    response = client.get("/registries/Nope/", HTTP_REFERER="https://evil.example/phish")
    assert "evil.example" not in text(response)
    assert "Back to the previous page" not in text(response)


def test_a_bare_permission_denied_uses_the_error_page(rf, member):
    from django.core.exceptions import PermissionDenied

    from registry.views.errors import permission_denied

    request = rf.get("/")
    request.user = member
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "Your role does not allow this" in response.content.decode()


def test_the_favicon_exists(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO header
