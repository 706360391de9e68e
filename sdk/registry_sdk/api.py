"""`Api()`: read registry versions outside a run; `login()`."""

from __future__ import annotations

from typing import Any

from registry_sdk import _state, config, paths
from registry_sdk.artifact import Artifact
from registry_sdk.client import Client, q
from registry_sdk.promotion import Promotion


class Api:
    def __init__(self, api_key: str | None = None, base_url: str | None = None, **_ignored):
        self._client = Client(api_key, base_url) if (api_key or base_url) else _state.client()

    def artifact(self, name: str, type: str | None = None) -> Artifact:
        """A registry version: 'wandb-registry-<registry>/<collection>:<alias|vN|latest>'."""
        path = paths.parse(name)
        data = self._client.get(
            f"/registries/{q(path.registry)}/collections/{q(path.collection)}"
            f"/versions/{q(path.ref or 'latest')}"
        )
        return Artifact._from_registry(self._client, data)

    def search(self, q: str, page: int = 1) -> list[dict[str, Any]]:
        """Search registries, collections, versions, aliases and tags; one page of results."""
        response = self._client._send("GET", "/search", params={"q": q, "page": page})
        return response.json()["results"]

    def promotions(self, registry: str, status: str | None = None) -> list[Promotion]:
        """The registry's promotion requests, pending first; `status` narrows them."""
        params = {"status": status} if status else {}
        response = self._client._send("GET", f"/registries/{q(registry)}/promotions", params=params)
        return [Promotion(self._client, data) for data in response.json()]

    def promotion(self, registry: str, id: int) -> Promotion:
        return Promotion(
            self._client, self._client.get(f"/registries/{q(registry)}/promotions/{id}")
        )

    def registries(self) -> list[dict[str, Any]]:
        return self._client.get("/registries")

    def collections(self, registry: str) -> list[dict[str, Any]]:
        return self._client.get(f"/registries/{q(registry)}/collections")


def login(key: str | None = None, host: str | None = None, **_ignored) -> bool:
    """Check the key against the server and remember it (in ~/.config/registry/settings).

    Without `key`, uses REGISTRY_API_KEY or the saved settings. Raises if the key is refused.
    """
    settings = config.current()
    key = key or settings.api_key
    host = (host or settings.base_url).rstrip("/")
    client = Client(key, host)
    try:
        client.get("/viewer")
    finally:
        client.close()
    config.set_override(api_key=key, base_url=host)
    if key != config.read_file().get("api_key") or host != config.read_file().get("base_url"):
        try:
            config.write_file(api_key=key, base_url=host)
        except OSError:
            pass  # read-only home: the key still works for this process
    return True
