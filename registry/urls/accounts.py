"""Account pages: personal API keys; the bare health endpoint and the favicon."""

from __future__ import annotations

from django.urls import path

from registry.views import api_keys, favicon, health

urlpatterns = [
    path("account/api-keys/", api_keys.api_keys_page, name="api_keys"),
    path("account/api-keys/<int:key_id>/revoke/", api_keys.revoke, name="api_key_revoke"),
    path("healthz/", health.healthz, name="healthz"),
    path("favicon.ico", favicon.favicon, name="favicon"),
]
