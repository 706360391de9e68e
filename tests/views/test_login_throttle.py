"""Sign-in lockouts: per account and per address, on the site and the admin, with when."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from registry.models import FailureCount
from tests.factories import make_user
from tests.views.conftest import text

pytestmark = pytest.mark.django_db
RIGHT = "pw-secret-123"


def sign_in(client, username, password, url="/accounts/login/"):
    return client.post(url, {"username": username, "password": password})


def test_it_locks_an_account_after_the_limit_and_says_when_to_retry(client, member, settings):
    settings.REGISTRY_LOGIN_MAX_FAILURES = 3
    for _ in range(2):
        assert "correct username and password" in text(sign_in(client, "member", "wrong"))
    third = sign_in(client, "member", "wrong")
    assert third.status_code == 429
    assert "Too many failed sign-ins for this account; try again after" in text(third)
    assert "(in 15 minutes)" in text(third)
    # The right password does not get in while the account is locked out…
    locked = sign_in(Client(REMOTE_ADDR="10.0.0.9"), "member", RIGHT)
    assert locked.status_code == 429
    assert "_auth_user_id" not in locked.client.session
    # …and does once the lockout is over.
    FailureCount.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    assert sign_in(Client(REMOTE_ADDR="10.0.0.9"), "member", RIGHT).status_code == 302


def test_it_counts_usernames_case_insensitively(client, member, settings):
    settings.REGISTRY_LOGIN_MAX_FAILURES = 2
    sign_in(client, "Member", "wrong")
    assert sign_in(client, "MEMBER", "wrong").status_code == 429


def test_a_right_password_clears_the_account_count(client, member, settings):
    settings.REGISTRY_LOGIN_MAX_FAILURES = 3
    sign_in(client, "member", "wrong")
    sign_in(client, "member", "wrong")
    assert sign_in(Client(), "member", RIGHT).status_code == 302
    assert sign_in(client, "member", "wrong").status_code == 200
    assert sign_in(client, "member", "wrong").status_code == 200


def test_it_locks_an_address_trying_many_accounts(settings, member):
    settings.REGISTRY_LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(3):
        assert sign_in(attacker, f"user{n}", "guess").status_code == 200
    refused = sign_in(attacker, "user3", "guess")
    assert refused.status_code == 429
    assert "Too many failed sign-ins from your network address" in text(refused)
    assert sign_in(attacker, "member", RIGHT).status_code == 429
    # Other addresses, and the account itself, are unaffected.
    assert sign_in(Client(REMOTE_ADDR="198.51.100.1"), "member", RIGHT).status_code == 302


def test_behind_a_proxy_it_counts_the_address_the_proxy_saw(settings):
    settings.REGISTRY_PROXY_COUNT = 1
    settings.REGISTRY_LOGIN_MAX_FAILURES_PER_ADDRESS = 2
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    forged = {"X-Forwarded-For": "1.2.3.4, 203.0.113.7"}
    proxy.post("/accounts/login/", {"username": "a", "password": "x"}, headers=forged)
    again = proxy.post(
        "/accounts/login/",
        {"username": "b", "password": "x"},
        headers={"X-Forwarded-For": "9.9.9.9, 203.0.113.7"},
    )
    assert again.status_code == 429
    assert FailureCount.objects.filter(scope="address", key="203.0.113.7").exists()


def test_the_admin_sign_in_is_locked_out_too(client, settings):
    settings.REGISTRY_LOGIN_MAX_FAILURES = 2
    make_user("boss", superuser=True)
    sign_in(client, "boss", "wrong", "/admin/login/")
    refused = sign_in(client, "boss", "wrong", "/admin/login/")
    assert "Too many failed sign-ins for this account" in text(refused)
    assert "_auth_user_id" not in client.session
    assert "Too many failed sign-ins" in text(sign_in(client, "boss", RIGHT, "/admin/login/"))
