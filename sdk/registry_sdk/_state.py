"""The process-wide client, rebuilt when `login` changes the settings."""

from __future__ import annotations

from registry_sdk import config
from registry_sdk.client import Client

_client: Client | None = None
_client_settings: tuple[str | None, str] | None = None


def client() -> Client:
    global _client, _client_settings
    settings = config.current()
    key = (settings.api_key, settings.base_url)
    if _client is None or _client_settings != key:
        if _client is not None:
            _client.close()
        _client = Client(settings.api_key, settings.base_url)
        _client_settings = key
    return _client
