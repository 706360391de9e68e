"""Alias history exports (CSV, JSON Lines) of a registry or a collection, streamed.

The same response serves the pages' links (session) and the API (key), as
`blob_response` does for files. Anyone who may see the registry may export its history:
its pages show the same events.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

from registry import permissions
from registry.errors import NotFound
from registry.selectors.collections import get_collection
from registry.selectors.history_export import COLUMNS, HistoryFilter, history_rows

FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}
FORMAT_UNKNOWN = "'{fmt}' is not an export format: use csv or jsonl."
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(rows: Iterable[dict]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for row in rows:
        yield writer.writerow([_csv_cell(row[c]) for c in COLUMNS])


def _jsonl(rows: Iterable[dict]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def export_response(user, fmt: str, params, registry_name: str, collection_name: str | None):
    """The streamed export; NotFound for what `user` cannot see, Invalid for bad filters."""
    if fmt not in FORMATS:
        raise NotFound(FORMAT_UNKNOWN.format(fmt=fmt))
    registry = permissions.get_registry_for_user(user, registry_name)
    collection = get_collection(registry, collection_name) if collection_name else None
    which = HistoryFilter.parse(
        alias=params.get("alias", ""),
        actor=params.get("actor", ""),
        since=params.get("since", ""),
        until=params.get("until", ""),
    )
    rows = history_rows(registry, which, collection)
    body = _csv(rows) if fmt == "csv" else _jsonl(rows)
    response = StreamingHttpResponse(body, content_type=FORMATS[fmt])
    name = "-".join(n for n in (registry.name, collection and collection.name) if n)
    response["Content-Disposition"] = f'attachment; filename="{name}-alias-history.{fmt}"'
    return response
