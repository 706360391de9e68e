"""An API client per persona, authenticated with a fresh API key."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from registry.services.api_keys import create_api_key


class ApiClient:
    def __init__(self, raw_key: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw_key}"} if raw_key else {}

    def _call(self, method: str, url: str, data=None, **headers):
        kwargs = {"headers": {**self.headers, **headers}}
        if data is not None:
            kwargs["data"] = json.dumps(data)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(url, **kwargs)

    def get(self, url, **headers):
        return self._call("get", url, **headers)

    def post(self, url, data=None, **headers):
        return self._call("post", url, data, **headers)

    def patch(self, url, data=None, **headers):
        return self._call("patch", url, data, **headers)

    def delete(self, url, **headers):
        return self._call("delete", url, **headers)

    def put_bytes(self, url, body: bytes, **headers):
        return self.client.put(
            url,
            data=body,
            content_type="application/octet-stream",
            headers={**self.headers, **headers},
        )


def client_for(user) -> ApiClient:
    _, raw = create_api_key(user=user, name="tests")
    return ApiClient(raw)


@pytest.fixture
def api_for():
    return client_for


@pytest.fixture
def anonymous():
    return ApiClient(None)


@pytest.fixture(autouse=True)
def _empty_body_cache():
    from registry import body_cache

    body_cache.clear()
