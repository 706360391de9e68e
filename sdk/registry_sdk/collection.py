"""A collection in a registry (W&B's `ArtifactCollection`), and iterators over collections
and versions found by the query API."""

from __future__ import annotations

from typing import Any

from registry_sdk.artifact import Artifact
from registry_sdk.client import Client, q
from registry_sdk.pages import Paginator


class ArtifactCollection:
    """`description` and `tags` are editable and written by `save()`; `delete()` removes it."""

    def __init__(self, client: Client, data: dict[str, Any]):
        self._client = client
        self._load(data)

    def _load(self, data: dict[str, Any]) -> None:
        self.registry: str = data["registry"]
        self.name: str = data["name"]
        self.type: str = data["type"]
        self.description: str = data.get("description") or ""
        self.tags: list[str] = list(data.get("tags") or [])
        self.version_count: int = data.get("version_count", 0)
        self.created_at: str | None = data.get("created_at")
        self.updated_at: str | None = data.get("updated_at")
        self._saved = {"description": self.description, "tags": list(self.tags)}

    def __repr__(self) -> str:
        return f"<ArtifactCollection {self.full_name!r} type={self.type!r}>"

    @property
    def full_name(self) -> str:
        return f"wandb-registry-{self.registry}/{self.name}"

    @property
    def path(self) -> str:
        return self.full_name

    def _url(self) -> str:
        return f"/registries/{q(self.registry)}/collections/{q(self.name)}"

    def versions(
        self, filter: dict[str, Any] | None = None, per_page: int = 100, start: str | None = None
    ) -> Versions:
        """The collection's versions matching `filter`, lazily."""
        return Versions(
            self._client,
            filters={
                "registry_filter": {"name": self.registry},
                "collection_filter": {"name": self.name},
                "filter": filter,
            },
            per_page=per_page,
            start=start,
        )

    artifacts = versions

    @property
    def aliases(self) -> list[str]:
        """The custom and protected aliases held by the collection's versions."""
        names: list[str] = []
        for version in self.versions(filter={"alias": {"$exists": True}}):
            names += [a for a in version.aliases if a != "latest"]
        return sorted(names)

    def save(self) -> ArtifactCollection:
        """Write changes to `description` and `tags` (tags added and removed as edited)."""
        url = self._url()
        data = None
        if self.description != self._saved["description"]:
            data = self._client.request("PATCH", url, json={"description": self.description})
        wanted = {t.lower(): t for t in self.tags}
        had = {t.lower(): t for t in self._saved["tags"]}
        for key, tag in had.items():
            if key not in wanted:
                data = self._client.delete(f"{url}/tags/{q(tag)}")
        added = [tag for key, tag in wanted.items() if key not in had]
        if added:
            data = self._client.post(f"{url}/tags", {"names": added})
        self._load(data or self._client.get(url))
        return self

    def delete(self) -> None:
        """Delete the collection and its links (sources stay in their projects)."""
        self._client.delete(self._url())


class Collections(Paginator):
    """A lazy iterator of `ArtifactCollection`s."""

    KIND = "collections"

    def _convert(self, item: dict[str, Any]) -> ArtifactCollection:
        return ArtifactCollection(self._client, item)

    def versions(
        self, filter: dict[str, Any] | None = None, per_page: int = 100, start: str | None = None
    ) -> Versions:
        """Versions matching `filter` in the collections this iterator matches."""
        return Versions(
            self._client,
            filters={
                "registry_filter": self._filters.get("registry_filter"),
                "collection_filter": self._filters.get("filter"),
                "filter": filter,
            },
            per_page=per_page,
            start=start,
        )


class Versions(Paginator):
    """A lazy iterator of registry versions as `Artifact`s."""

    KIND = "versions"

    def _convert(self, item: dict[str, Any]) -> Artifact:
        return Artifact._from_registry(self._client, item)
