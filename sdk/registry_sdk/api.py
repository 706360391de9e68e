"""`Api()`: read registry versions outside a run; `login()`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from registry_sdk import _state, config, paths, registries
from registry_sdk.artifact import Artifact
from registry_sdk.automations import Automation, NewAutomation, SlackIntegration, WebhookIntegration
from registry_sdk.client import Client, q
from registry_sdk.collection import ArtifactCollection
from registry_sdk.errors import NotFound, UsageError
from registry_sdk.promotion import Promotion
from registry_sdk.registries import Registries, Registry


class Api:
    def __init__(self, api_key: str | None = None, base_url: str | None = None, **_ignored):
        self._client = Client(api_key, base_url) if (api_key or base_url) else _state.client()

    def artifact(
        self, name: str, type: str | None = None, at: datetime | str | None = None
    ) -> Artifact:
        """A registry version: 'wandb-registry-<registry>/<collection>:<alias|vN|latest>'.

        `at` (a datetime, or an RFC 3339 string) gives the version the reference named at
        that moment, from the server's alias and link history; a naive datetime is local
        time. Raises NotFound, saying what the history holds, when it named none.
        """
        path = paths.parse(name)
        url = (
            f"/registries/{q(path.registry)}/collections/{q(path.collection)}"
            f"/versions/{q(path.ref or 'latest')}"
        )
        if at is None:
            data = self._client.get(url)
        else:
            when = at if isinstance(at, str) else at.astimezone(UTC).isoformat()
            data = self._client._send("GET", url, params={"at": when}).json()
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

    # Automations (registry admins). W&B's `entity` argument has no counterpart: integrations
    # and automations belong to a registry; without `registry`, every one you administer.

    def _integrations(self, registry: str | None) -> dict[str, Any]:
        params = {"registry": registry} if registry else {}
        return self._client._send("GET", "/automations/integrations", params=params).json()

    def webhook_integrations(
        self, entity: str | None = None, *, registry: str | None = None
    ) -> Iterator[WebhookIntegration]:
        return iter(
            [
                WebhookIntegration(
                    registry=w["registry"],
                    name=w["name"],
                    url_endpoint=w["url"],
                    has_token=w["has_token"],
                    has_secret=w["has_secret"],
                )
                for w in self._integrations(registry)["webhooks"]
            ]
        )

    def slack_integrations(
        self, entity: str | None = None, *, registry: str | None = None
    ) -> Iterator[SlackIntegration]:
        return iter(
            [
                SlackIntegration(registry=s["registry"], channel_name=s["channel"])
                for s in self._integrations(registry)["slack"]
            ]
        )

    def integrations(self, entity: str | None = None, *, registry: str | None = None):
        return iter(
            [
                *self.webhook_integrations(registry=registry),
                *self.slack_integrations(registry=registry),
            ]
        )

    def automations(
        self, entity: str | None = None, *, name: str | None = None, registry: str | None = None
    ) -> Iterator[Automation]:
        params = {k: v for k, v in (("registry", registry), ("name", name)) if v}
        found = self._client._send("GET", "/automations", params=params).json()
        return iter([Automation._from(a) for a in found])

    def automation(self, name: str, *, registry: str | None = None) -> Automation:
        found = list(self.automations(name=name, registry=registry))
        if len(found) != 1:
            where = f" in registry '{registry}'" if registry else ""
            raise (NotFound if not found else UsageError)(
                f"{len(found) or 'No'} automations named '{name}'{where}"
                + ("; pass registry= to choose one." if found else "."),
                404 if not found else None,
            )
        return found[0]

    def create_automation(
        self,
        obj: NewAutomation,
        *,
        name: str | None = None,
        description: str | None = None,
        enabled: bool | None = None,
        fetch_existing: bool = False,
    ) -> Automation:
        """Save `event >> action` (or `event.then(action)`) as an automation."""
        body = obj._body(name, description, enabled)
        if fetch_existing:
            existing = list(self.automations(name=body["name"], registry=body["registry"]))
            if existing:
                return existing[0]
        return Automation._from(self._client.post("/automations", body))

    def update_automation(self, obj: Automation, **changes: Any) -> Automation:
        """Save the changed fields of a fetched automation (and any `changes` given)."""
        for key, value in changes.items():
            setattr(obj, key, value)
        url = f"/automations/{q(obj.registry)}/{q(obj._saved_name or obj.name)}"
        return Automation._from(self._client.request("PATCH", url, json=obj._patch()))

    def delete_automation(self, obj: Automation | str, *, registry: str | None = None) -> bool:
        if isinstance(obj, Automation):
            obj, registry = obj._saved_name or obj.name, obj.registry
        if registry is None:
            registry = self.automation(obj).registry
        self._client.delete(f"/automations/{q(registry)}/{q(obj)}")
        return True


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
