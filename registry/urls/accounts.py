"""Account pages: personal API keys."""

from __future__ import annotations

from django.urls import path

from registry.views import api_keys

urlpatterns = [
    path("account/api-keys/", api_keys.api_keys_page, name="api_keys"),
]
