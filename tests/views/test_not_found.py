"""A path no page has answers our own 404 page, for signed-in users and visitors alike."""

from __future__ import annotations

import pytest

from registry.views.pages import NO_SUCH_PAGE
from tests.views.conftest import text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("signed_in", [True, False])
def test_an_unknown_path_shows_the_404_page(client, member, signed_in):
    if signed_in:
        client.force_login(member)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert NO_SUCH_PAGE.format(path="/no/such/page/") in text(response)
    assert "Back to the registries" in text(response)
