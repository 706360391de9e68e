"""A collection's alias timeline: per alias, the spans during which it held each version.

Built from the alias history alone (the newest `TIMELINE_EVENTS` events, and what the
aliases held just before the oldest of them), in three queries whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from registry.models import AliasEvent, Collection, LinkedVersion
from registry.selectors.at_time import aliases_at
from registry.selectors.versions import protected_names

TIMELINE_EVENTS = 1000


@dataclass
class Bar:
    """`alias` on v`index` from `start` until `end` (None: it still holds it)."""

    alias: str
    index: int
    start: datetime
    started_by: str | None = None  # None: before the timeline starts, or a deleted user
    start_action: str = ""  # "added" or "moved" (empty when it started before the window)
    end: datetime | None = None
    ended_by: str | None = None
    end_action: str = ""  # "moved" or "removed"
    linked_now: bool = True


@dataclass
class Lane:
    alias: str
    protected: bool
    bars: list[Bar] = field(default_factory=list)


@dataclass(frozen=True)
class Timeline:
    since: datetime
    until: datetime
    lanes: list[Lane]
    truncated: bool  # older history exists before `since`


def alias_timeline(collection: Collection, *, until: datetime | None = None) -> Timeline:
    """Lanes (protected aliases first, then by name) of bars, oldest bar first."""
    until = until or timezone.now()
    newest = list(
        AliasEvent.objects.filter(collection=collection, created_at__lte=until)
        .select_related("actor")
        .order_by("-created_at", "-id")[:TIMELINE_EVENTS]
    )
    events = newest[::-1]
    truncated = len(events) == TIMELINE_EVENTS
    since = events[0].created_at if events else until
    protected = protected_names(collection.registry)
    lanes: dict[str, Lane] = {}
    open_bars: dict[str, Bar] = {}

    def lane(alias: str) -> Lane:
        found = lanes.get(alias.lower())
        if found is None:
            found = lanes[alias.lower()] = Lane(alias, alias.lower() in protected)
        return found

    if truncated:  # what the aliases held when the window opens
        before = since - timedelta(microseconds=1)
        for index, names in aliases_at(collection, before).items():
            for name in names:
                bar = open_bars[name.lower()] = Bar(name, index, since)
                lane(name).bars.append(bar)
    for event in events:
        key = event.alias.lower()
        who = event.actor.get_username() if event.actor_id else None
        closing = open_bars.pop(key, None)
        if closing is not None:
            closing.end, closing.ended_by = event.created_at, who
            closing.end_action = "removed" if event.action == AliasEvent.Action.REMOVE else "moved"
        if event.action != AliasEvent.Action.REMOVE and event.to_index is not None:
            bar = Bar(
                event.alias, event.to_index, event.created_at, who, event.get_action_display()
            )
            open_bars[key] = bar
            lane(event.alias).bars.append(bar)
            lane(event.alias).alias = event.alias  # shown as last typed
    for ln in lanes.values():  # a bar the window opens on just as it ends shows nothing
        ln.bars = [b for b in ln.bars if b.start_action or b.end is None or b.end > b.start]
    indexes = {bar.index for ln in lanes.values() for bar in ln.bars}
    linked = set(
        LinkedVersion.objects.filter(collection=collection, index__in=indexes).values_list(
            "index", flat=True
        )
    )
    for ln in lanes.values():
        for bar in ln.bars:
            bar.linked_now = bar.index in linked
    ordered = sorted(lanes.values(), key=lambda ln: (not ln.protected, ln.alias.lower()))
    return Timeline(since=since, until=until, lanes=ordered, truncated=truncated)
