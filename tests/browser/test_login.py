from __future__ import annotations

import pytest


@pytest.mark.django_db(transaction=True)
def test_it_signs_in(page, live_server, login, member):
    login(page, member)
    assert page.get_by_text("member").first.is_visible()
    assert page.get_by_role("search").is_visible()
