"""The alias history of a registry or one collection, filtered, oldest first, as rows to
stream: read in chunks, never all in memory."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model

from registry.db import lower
from registry.errors import Invalid
from registry.models import AliasEvent, Collection, Registry
from registry.selectors.at_time import moment, parse_at

CHUNK = 2000
RANGE_REVERSED = "'since' ({since}) is after 'until' ({until}): nothing can fall between them."
COLUMNS = ("time", "registry", "collection", "alias", "action", "from", "to", "actor")


@dataclass(frozen=True)
class HistoryFilter:
    """Which events to export; every field optional."""

    alias: str = ""
    actor: str = ""  # a username
    since: datetime | None = None
    until: datetime | None = None

    @classmethod
    def parse(cls, *, alias="", actor="", since="", until="") -> HistoryFilter:
        """From query-string values; times are RFC 3339 (refused with what is allowed)."""
        start = parse_at(since) if since else None
        end = parse_at(until) if until else None
        if start and end and start > end:
            raise Invalid(RANGE_REVERSED.format(since=moment(start), until=moment(end)))
        return cls((alias or "").strip(), (actor or "").strip(), start, end)


def history_rows(
    registry: Registry, which: HistoryFilter, collection: Collection | None = None
) -> Iterator[dict]:
    """Events of `registry` (or only `collection`) matching `which`, oldest first, as dicts
    keyed by COLUMNS. The caller has checked that the user may see the registry."""
    events = AliasEvent.objects.filter(collection__registry=registry)
    if collection is not None:
        events = events.filter(collection=collection)
    if which.alias:
        events = events.filter(alias__lower=lower(which.alias))
    if which.actor:
        events = events.filter(**{f"actor__{get_user_model().USERNAME_FIELD}": which.actor})
    if which.since:
        events = events.filter(created_at__gte=which.since)
    if which.until:
        events = events.filter(created_at__lte=which.until)
    rows = events.order_by("created_at", "id").values_list(
        "created_at",
        "collection__name",
        "alias",
        "action",
        "from_index",
        "to_index",
        f"actor__{get_user_model().USERNAME_FIELD}",
    )
    for created_at, coll, alias, action, from_index, to_index, actor in rows.iterator(CHUNK):
        yield {
            "time": moment(created_at),
            "registry": registry.name,
            "collection": coll,
            "alias": alias,
            "action": action,
            "from": f"v{from_index}" if from_index is not None else None,
            "to": f"v{to_index}" if to_index is not None else None,
            "actor": actor,
        }
