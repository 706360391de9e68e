"""Promotion requests: `artifact.request_promotion(...)`, `Api().promotions(...)`."""

from __future__ import annotations

from typing import Any

from registry_sdk.client import Client, q


class Promotion:
    """A request to move a protected alias onto a version; admins approve or reject it.

    Attributes: `id`, `alias`, `status` (pending, approved, rejected, withdrawn), `version`
    ("vN"), `from_version`, `requested_by`, `reason`, `collection`, `registry`, `gates`
    (each `{"label", "passed", "actual"}`), `url`.
    """

    def __init__(self, client: Client, data: dict[str, Any]):
        self._client = client
        self._load(data)

    def _load(self, data: dict[str, Any]) -> None:
        self._data = dict(data)
        self.id: int = data["id"]
        self.registry: str = data["registry"]
        self.collection: str = data["collection"]
        self.alias: str = data["alias"]
        self.status: str = data["status"]
        self.version: str = data["version"]
        self.from_version: str | None = data["from_version"]
        self.requested_by: str | None = data["requested_by"]
        self.reason: str = data["reason"]
        self.comment: str = data["comment"]
        self.gates: list[dict[str, Any]] = list(data.get("gates") or [])
        self.url: str = data["url"]

    def __repr__(self) -> str:
        return (
            f"<Promotion #{self.id} {self.collection}:{self.alias} "
            f"{self.from_version or '-'} -> {self.version} {self.status}>"
        )

    def _path(self) -> str:
        return f"/registries/{q(self.registry)}/promotions/{self.id}"

    def approve(self, comment: str = "", override_reason: str = "") -> Promotion:
        """Approve (registry admins other than the requester). The approval that completes
        the request moves the alias; `override_reason` is for organization admins only."""
        body = {"comment": comment, "override_reason": override_reason}
        self._load(self._client.post(self._path() + "/approve", body))
        return self

    def reject(self, comment: str) -> Promotion:
        self._load(self._client.post(self._path() + "/reject", {"comment": comment}))
        return self

    def withdraw(self) -> Promotion:
        """Withdraw your own request."""
        self._load(self._client.post(self._path() + "/withdraw"))
        return self

    def reconfirm(self) -> Promotion:
        """Your request, stale because the alias moved: ask again from where it is now."""
        self._load(self._client.post(self._path() + "/reconfirm"))
        return self

    def refresh(self) -> Promotion:
        self._load(self._client.get(self._path()))
        return self
