"""Security headers on pages and API answers; HTTPS settings read from the environment."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from registry_site.env import env_proxy_header
from tests.api.conftest import client_for
from tests.factories import link_new

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/accounts/login/", "/api/v1/docs", "/healthz/"])
def test_every_page_carries_csp_and_permissions_policy(client, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]


API_CSP = "default-src 'none'; frame-ancestors 'none'"


@pytest.mark.parametrize(
    "url",
    ["/api/v1/nope", "/api/v1/openapi.json", "/api/2.0/mlflow/nope", "/ajax-api/2.0/mlflow/nope"],
)
def test_api_answers_carry_the_strictest_policy_and_no_feature_list(client, url):
    response = client.get(url)
    assert response["Content-Security-Policy"] == API_CSP
    assert "Permissions-Policy" not in response


def test_a_revalidated_api_answer_keeps_the_api_policy(registry, member):
    link_new(member, registry, aliases=["best"])
    api = client_for(member)
    url = f"/api/v1/registries/{registry.name}/collections/zoo/versions/best"
    first = api.get(url)
    again = api.get(url, **{"If-None-Match": first["ETag"]})
    assert (first.status_code, again.status_code) == (200, 304)
    assert first["Content-Security-Policy"] == again["Content-Security-Policy"] == API_CSP
    assert "Permissions-Policy" not in again


def test_pages_use_no_inline_script_or_style(client, member):
    client.force_login(member)
    html = client.get("/").content.decode()
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert '"includeIndicatorStyles":false' in html


def test_ssl_redirect_spares_the_health_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/accounts/login/").status_code == 301
    assert client.get("/healthz/").status_code == 200


def test_the_proxy_header_marks_requests_secure(client, settings, monkeypatch):
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto: https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = env_proxy_header("SECURE_PROXY_SSL_HEADER")
    assert client.get("/accounts/login/").status_code == 301
    secure = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200


def test_it_refuses_a_proxy_header_without_a_value(monkeypatch):
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto")
    with pytest.raises(ImproperlyConfigured, match="use the form 'X-Forwarded-Proto: https'"):
        env_proxy_header("SECURE_PROXY_SSL_HEADER")
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", " X-Forwarded-Proto : https ")
    assert env_proxy_header("SECURE_PROXY_SSL_HEADER") == ("HTTP_X_FORWARDED_PROTO", "https")
