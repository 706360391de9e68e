"""The alias timeline as SVG geometry: lanes of bars on a time axis, laid out in Python.

The SVG is drawn at a fixed size (its box scrolls sideways on a phone instead of shrinking
the text). Each bar is a link with a text label (`v3`, when it fits) and a title saying
who moved the alias there and when; a version since unlinked links to the collection as
it was when the bar starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.urls import reverse

from registry.selectors.at_time import moment
from registry.selectors.timeline import Bar, Timeline

WIDTH = 960
LABEL_WIDTH = 150
PLOT = WIDTH - LABEL_WIDTH - 16
AXIS = 30
LANE = 32
BAR = 22
LABEL_MIN = 30  # narrower bars carry their label in the link's name only
TICKS = 5
DETAIL = 26  # the line under the lanes where a hovered or focused bar says who moved it


@dataclass(frozen=True)
class BarBox:
    x: float
    y: int
    width: float
    label: str
    title: str
    href: str
    protected: bool


@dataclass(frozen=True)
class LaneBox:
    alias: str
    protected: bool
    y: int
    bars: list[BarBox]


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class TimelineSvg:
    width: int
    height: int
    lanes: list[LaneBox]
    ticks: list[Tick]
    marker_x: float | None  # the "as of" moment, when one is shown
    timeline: Timeline
    detail_y: int = 0


def layout(timeline: Timeline, collection, *, as_of: datetime | None = None) -> TimelineSvg:
    since, until = timeline.since, timeline.until
    span = max((until - since).total_seconds(), 60.0)

    def x_of(when: datetime) -> float:
        offset = min(max((when - since).total_seconds(), 0.0), span)
        return round(LABEL_WIDTH + offset / span * PLOT, 1)

    lanes = []
    for number, lane in enumerate(timeline.lanes):
        y = AXIS + number * LANE
        boxes = []
        for bar in lane.bars:
            x = x_of(bar.start)
            width = max(x_of(bar.end or until) - x, 3.0)
            boxes.append(
                BarBox(
                    x=x,
                    y=y + (LANE - BAR) // 2,
                    width=round(width, 1),
                    label=f"v{bar.index}" if width >= LABEL_MIN else "",
                    title=describe(bar),
                    href=_href(bar, collection),
                    protected=lane.protected,
                )
            )
        lanes.append(LaneBox(lane.alias, lane.protected, y, boxes))
    ticks = [
        Tick(
            x_of(since + (until - since) * i / (TICKS - 1)),
            _tick_label(since + (until - since) * i / (TICKS - 1), span),
        )
        for i in range(TICKS)
    ]
    marker = x_of(as_of) if as_of is not None and since <= as_of <= until else None
    lanes_bottom = AXIS + LANE * max(len(lanes), 1)
    height = lanes_bottom + DETAIL + 4
    return TimelineSvg(WIDTH, height, lanes, ticks, marker, timeline, lanes_bottom + 18)


def describe(bar: Bar) -> str:
    """`production on v3 from … (moved there by alice) until … (moved by bob)`."""
    start = _when(bar.start)
    text = f"{bar.alias} on v{bar.index}"
    if bar.start_action:
        text += f" from {start} ({bar.start_action} by {bar.started_by or 'someone'})"
    else:
        text += f" since before {start}"
    if bar.end is None:
        text += ", still there"
    else:
        text += f" until {_when(bar.end)} ({bar.end_action} by {bar.ended_by or 'someone'})"
    return text + ("" if bar.linked_now else f"; v{bar.index} has since been unlinked")


def _href(bar: Bar, collection) -> str:
    args = [collection.registry.name, collection.name]
    if bar.linked_now:
        return reverse("version", args=[*args, bar.index])
    return reverse("collection", args=args) + "?" + urlencode({"at": moment(bar.start)})


def _when(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _tick_label(value: datetime, span: float) -> str:
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d" if span > 3 * 86400 else "%m-%d %H:%M")
