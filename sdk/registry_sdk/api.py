"""`Api()`: read registry versions outside a run; `login()`."""

from __future__ import annotations

from typing import Any

from registry_sdk import _state, config, paths, registries
from registry_sdk.artifact import Artifact
from registry_sdk.client import Client, q
from registry_sdk.collection import ArtifactCollection
from registry_sdk.errors import NotFound, UsageError
from registry_sdk.registries import Registries, Registry


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

    def artifact_exists(self, name: str, type: str | None = None) -> bool:
        """Whether the version named by the path exists (and is visible to you)."""
        try:
            found = self.artifact(name)
        except NotFound:
            return False
        return type is None or found.type == type

    def artifact_collection(self, type_name: str, name: str) -> ArtifactCollection:
        """The collection 'wandb-registry-<registry>/<collection>' (of type `type_name`)."""
        path = paths.parse(name, allow_ref=False)
        data = self._client.get(f"/registries/{q(path.registry)}/collections/{q(path.collection)}")
        if type_name and data["type"] != type_name:
            raise NotFound(
                f"Collection '{name}' holds type '{data['type']}', not '{type_name}'.", 404
            )
        return ArtifactCollection(self._client, data)

    def artifact_collection_exists(self, name: str, type: str) -> bool:
        try:
            self.artifact_collection(type, name)
        except NotFound:
            return False
        return True

    def registries(
        self,
        organization: str | None = None,
        filter: dict[str, Any] | None = None,
        order: str | None = None,
        per_page: int = 100,
        start: str | None = None,
    ) -> Registries:
        """Registries you can see matching `filter` (W&B's MongoDB-like filters), lazily.

        `.collections(filter=)` and `.versions(filter=)` on the result search inside them.
        Results come in creation order; `start` is a previous iterator's `.cursor`.
        """
        if order is not None:
            raise UsageError(
                "order is not supported: results come in creation order; sort the results "
                "in Python, e.g. sorted(api.registries(), key=lambda r: r.name)."
            )
        return Registries(self._client, filters={"filter": filter}, per_page=per_page, start=start)

    def registry(self, name: str, organization: str | None = None) -> Registry:
        """The registry named `name` (with or without the 'wandb-registry-' prefix)."""
        bare = name.removeprefix(paths.REGISTRY_PREFIX)
        return Registry(self._client, self._client.get(f"/registries/{q(bare)}"))

    def create_registry(
        self,
        name: str,
        visibility: str = "organization",
        organization: str | None = None,
        description: str | None = None,
        artifact_types: list[str] | None = None,
    ) -> Registry:
        """Create a registry (organization admins). Without `artifact_types` it accepts
        the server's default, 'model'."""
        return registries.create(
            self._client,
            name=name,
            visibility=visibility,
            description=description,
            artifact_types=artifact_types,
        )

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
