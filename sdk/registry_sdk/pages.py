"""Lazy paginated iterators over the query API, shaped like W&B's public-API paginators."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from registry_sdk.client import Client
from registry_sdk.errors import UsageError

PER_PAGE_MAX = 100


class Paginator:
    """Fetches one page when iteration reaches it; `cursor` resumes a later query (`start=`)."""

    KIND = ""

    def __init__(
        self,
        client: Client,
        *,
        filters: dict[str, Any],
        per_page: int = PER_PAGE_MAX,
        start: str | None = None,
    ):
        if not 1 <= per_page <= PER_PAGE_MAX:
            raise UsageError(f"per_page must be between 1 and {PER_PAGE_MAX}, not {per_page}.")
        for name, value in filters.items():
            if value is not None and not isinstance(value, dict):
                raise UsageError(
                    f"{name} must be a dict such as {{'name': {{'$regex': '^prod'}}}}, "
                    f"not {type(value).__name__}."
                )
        self._client = client
        self._filters = {k: v for k, v in filters.items() if v is not None}
        self.per_page = per_page
        self.cursor = start
        self.objects: list[Any] = []
        self.index = -1
        self._done = False

    def _convert(self, item: dict[str, Any]) -> Any:
        raise NotImplementedError

    def _load_page(self) -> bool:
        if self._done:
            return False
        body = {**self._filters, "per_page": self.per_page, "cursor": self.cursor}
        page = self._client.post(f"/query/{self.KIND}", body)
        self.objects.extend(self._convert(item) for item in page["items"])
        self.cursor = page["next_cursor"]
        self._done = self.cursor is None
        return bool(page["items"])

    @property
    def more(self) -> bool:
        return not self._done

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        self.index += 1
        while len(self.objects) <= self.index:
            if not self._load_page():
                raise StopIteration
        return self.objects[self.index]

    def __getitem__(self, index: int) -> Any:
        while len(self.objects) <= index and self._load_page():
            pass
        return self.objects[index]
