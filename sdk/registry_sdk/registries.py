"""Registries (W&B's `wandb.Api().registries()`, `.registry()`, `.create_registry()`)."""

from __future__ import annotations

from typing import Any

from registry_sdk.client import Client, q
from registry_sdk.collection import Collections, Versions
from registry_sdk.errors import UsageError
from registry_sdk.pages import Paginator
from registry_sdk.paths import REGISTRY_PREFIX

VISIBILITIES = ("organization", "restricted")


def _bare(name: str) -> str:
    return name[len(REGISTRY_PREFIX) :] if name.startswith(REGISTRY_PREFIX) else name


class Registry:
    """One registry. `description`, `visibility` and `artifact_types` (add-only) are
    editable and written by `save()` (registry admins)."""

    def __init__(self, client: Client, data: dict[str, Any]):
        self._client = client
        self._load(data)

    def _load(self, data: dict[str, Any]) -> None:
        self.name: str = data["name"]
        self.description: str = data.get("description") or ""
        self.visibility: str = data["visibility"]
        self.artifact_types: list[str] = list(data.get("accepted_types") or [])
        self.role: str | None = data.get("role")
        self.created_at: str | None = data.get("created_at")
        self.updated_at: str | None = data.get("updated_at")

    def __repr__(self) -> str:
        return f"<Registry {self.name!r} visibility={self.visibility!r}>"

    @property
    def full_name(self) -> str:
        return f"{REGISTRY_PREFIX}{self.name}"

    @property
    def path(self) -> list[str]:
        return [self.full_name]

    def collections(
        self, filter: dict[str, Any] | None = None, per_page: int = 100, start: str | None = None
    ) -> Collections:
        return Collections(
            self._client,
            filters={"registry_filter": {"name": self.name}, "filter": filter},
            per_page=per_page,
            start=start,
        )

    def versions(
        self, filter: dict[str, Any] | None = None, per_page: int = 100, start: str | None = None
    ) -> Versions:
        return Versions(
            self._client,
            filters={"registry_filter": {"name": self.name}, "filter": filter},
            per_page=per_page,
            start=start,
        )

    def load(self) -> Registry:
        self._load(self._client.get(f"/registries/{q(self.name)}"))
        return self

    def save(self) -> Registry:
        """Write description, visibility and artifact types. Types can only be added and a
        restricted registry cannot be made organization-wide again; the server says so."""
        if self.visibility not in VISIBILITIES:
            raise UsageError(
                f"visibility must be 'organization' or 'restricted', not {self.visibility!r}."
            )
        data = self._client.request(
            "PATCH",
            f"/registries/{q(self.name)}",
            json={
                "description": self.description,
                "visibility": self.visibility,
                "accepted_types": list(self.artifact_types),
            },
        )
        self._load(data)
        return self


class Registries(Paginator):
    """A lazy iterator of `Registry` objects; `.collections()` and `.versions()` search
    inside the registries it matches."""

    KIND = "registries"

    def _convert(self, item: dict[str, Any]) -> Registry:
        return Registry(self._client, item)

    def collections(
        self, filter: dict[str, Any] | None = None, per_page: int = 100, start: str | None = None
    ) -> Collections:
        return Collections(
            self._client,
            filters={"registry_filter": self._filters.get("filter"), "filter": filter},
            per_page=per_page,
            start=start,
        )

    def versions(
        self, filter: dict[str, Any] | None = None, per_page: int = 100, start: str | None = None
    ) -> Versions:
        return Versions(
            self._client,
            filters={"registry_filter": self._filters.get("filter"), "filter": filter},
            per_page=per_page,
            start=start,
        )


def create(
    client: Client,
    *,
    name: str,
    visibility: str,
    description: str | None,
    artifact_types: list[str] | None,
) -> Registry:
    if visibility not in VISIBILITIES:
        raise UsageError(f"visibility must be 'organization' or 'restricted', not {visibility!r}.")
    body: dict[str, Any] = {
        "name": _bare(name),
        "visibility": visibility,
        "description": description or "",
    }
    if artifact_types is not None:
        body["accepted_types"] = list(artifact_types)
    return Registry(client, client.post("/registries", body))
