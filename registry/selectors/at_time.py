"""Time travel: what a reference named at a past moment, read from the history.

An alias at a moment is its last `AliasEvent` at or before it (an add or move names the
version; a remove, none). `latest` and `vN` at a moment come from the `LinkRecord`s: the
versions linked then and not yet unlinked. Current state is never consulted, so a moved,
removed or unlinked alias still answers for the past.

The history subqueries here are shared by the API's resolve (`selectors.resolve`) and the
pages; each is served by one index (`alias_event_at_idx`, `link_record_time_idx`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import Lower, RowNumber

from registry.db import lower
from registry.errors import Invalid, NotFound
from registry.models import AliasEvent, Collection, LinkRecord
from registry.names import Ref, RefKind, parse_ref
from registry.selectors.chips import Chip, chips_for
from registry.selectors.versions import protected_names

AT_INVALID = (
    "'{value}' is not an RFC 3339 time: give a date, a time and an offset, "
    "e.g. 2026-11-03T14:00:00Z or 2026-11-03T15:00:00+01:00."
)
AT_NAIVE = (
    "'{value}' has no offset, so it names no single moment: add one, e.g. Z for UTC "
    "(2026-11-03T14:00:00Z)."
)
ALIAS_NEVER = "'{alias}' has never been an alias in '{collection}'."
ALIAS_NOT_YET = (
    "'{alias}' was not an alias in '{collection}' at {at}; it first appeared at {first} "
    "(on v{index})."
)
ALIAS_REMOVED = (
    "'{alias}' was on no version of '{collection}' at {at}: it was removed from v{index} at "
    "{removed}."
)
HELD_BUT_UNLINKED = (
    "'{ref}' was v{index} of '{collection}' at {at}, but v{index} has since been unlinked."
)
NO_VERSIONS_EVER = "'{collection}' has no versions in its history."
NO_VERSIONS_YET = (
    "'{collection}' had no versions at {at}; its first version (v{index}) was linked at {first}."
)
ALL_UNLINKED = (
    "'{collection}' had no versions at {at}: every version linked before had been unlinked."
)
INDEX_NEVER = "v{index} is not in the history of '{collection}'."
INDEX_NOT_YET = "v{index} of '{collection}' was linked at {linked}, after {at}."
INDEX_GONE = "v{index} of '{collection}' had been unlinked at {unlinked}, before {at}."

# A '+' in a query string arrives as a space: "…T15:00:00 01:00" meant "+01:00".
_SPACED_OFFSET = re.compile(r" (\d\d(:?\d\d)?)$")


def parse_at(value: str) -> datetime:
    """An RFC 3339 time (seconds may be left out: `2026-11-03T14:00Z`), as an aware datetime."""
    text = _SPACED_OFFSET.sub(r"+\1", (value or "").strip()).upper()
    if "T" not in text:
        raise Invalid(AT_INVALID.format(value=value))
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(AT_INVALID.format(value=value)) from None
    if moment.tzinfo is None:
        raise Invalid(AT_NAIVE.format(value=value))
    return moment


def moment(value: datetime) -> str:
    """A time as messages and exports show it: RFC 3339 in UTC (`2026-11-03T14:00:00Z`)."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def alias_event_at(events: QuerySet[AliasEvent], alias, at) -> QuerySet[AliasEvent]:
    """The last event of `alias` among `events` at or before `at` (first row)."""
    return events.filter(alias__lower=lower(alias), created_at__lte=at).order_by(
        "-created_at", "-id"
    )


def linked_at(records: QuerySet[LinkRecord], at) -> QuerySet[LinkRecord]:
    """The records of versions linked at `at`, newest link first (so the first is `latest`).

    Indexes are handed out under the collection's lock in the transaction that stamps the
    link time, so link order is index order and the newest link is the highest index.
    """
    return (
        records.filter(linked_at__lte=at)
        .filter(Q(unlinked_at__isnull=True) | Q(unlinked_at__gt=at))
        .order_by("-linked_at", "-index")
    )


def index_at(records: QuerySet[LinkRecord], kind: RefKind, index, at) -> QuerySet[LinkRecord]:
    """The `LinkRecord` that `latest` (or `vN`, `index`) named at `at`, as its first row."""
    alive = linked_at(records, at)
    return alive if kind == RefKind.LATEST else alive.filter(index=index)


def held_index(collection: Collection, ref: str | Ref, at: datetime) -> int | None:
    """The index `ref` named in `collection` at `at`, whether or not it is linked now."""
    ref = parse_ref(ref) if isinstance(ref, str) else ref
    if ref.kind == RefKind.ALIAS:
        events = AliasEvent.objects.filter(collection=collection)
        return alias_event_at(events, ref.alias, at).values_list("to_index", flat=True).first()
    if ref.kind == RefKind.INDEX and ref.index is None:
        return None
    records = LinkRecord.objects.filter(collection=collection)
    return index_at(records, ref.kind, ref.index, at).values_list("index", flat=True).first()


def why_not_at(collection: Collection, ref: str | Ref, at: datetime) -> NotFound:
    """The 404 for a reference that named no version still linked: what the history says."""
    ref = parse_ref(ref) if isinstance(ref, str) else ref
    when = moment(at)
    index = held_index(collection, ref, at)
    if index is not None:
        shown = ref.alias if ref.kind == RefKind.ALIAS else str(ref.kind)
        if ref.kind == RefKind.INDEX:
            shown = f"v{index}"
        message = HELD_BUT_UNLINKED.format(
            ref=shown, index=index, collection=collection.name, at=when
        )
        return NotFound(message)
    if ref.kind == RefKind.ALIAS:
        return NotFound(_alias_miss(collection, ref.alias, at))
    if ref.kind == RefKind.LATEST:
        return NotFound(_latest_miss(collection, at))
    return NotFound(_index_miss(collection, ref.index, at))


def _alias_miss(collection: Collection, alias: str, at: datetime) -> str:
    events = AliasEvent.objects.filter(collection=collection, alias__lower=lower(alias))
    last = events.filter(created_at__lte=at).order_by("-created_at", "-id").first()
    if last is not None:  # the last event then was a removal
        return ALIAS_REMOVED.format(
            alias=alias,
            collection=collection.name,
            at=moment(at),
            index=last.from_index,
            removed=moment(last.created_at),
        )
    first = events.order_by("created_at", "id").first()
    if first is None:
        return ALIAS_NEVER.format(alias=alias, collection=collection.name)
    return ALIAS_NOT_YET.format(
        alias=alias,
        collection=collection.name,
        at=moment(at),
        first=moment(first.created_at),
        index=first.to_index,
    )


def _latest_miss(collection: Collection, at: datetime) -> str:
    records = LinkRecord.objects.filter(collection=collection)
    first = records.order_by("linked_at", "index").first()
    if first is None:
        return NO_VERSIONS_EVER.format(collection=collection.name)
    if first.linked_at > at:
        return NO_VERSIONS_YET.format(
            collection=collection.name,
            at=moment(at),
            index=first.index,
            first=moment(first.linked_at),
        )
    return ALL_UNLINKED.format(collection=collection.name, at=moment(at))


def _index_miss(collection: Collection, index: int | None, at: datetime) -> str:
    record = LinkRecord.objects.filter(collection=collection, index=index).first()
    if index is None or record is None:
        shown = index if index is not None else "…"
        return INDEX_NEVER.format(index=shown, collection=collection.name)
    if record.linked_at > at:
        return INDEX_NOT_YET.format(
            index=index, collection=collection.name, linked=moment(record.linked_at), at=moment(at)
        )
    return INDEX_GONE.format(
        index=index, collection=collection.name, unlinked=moment(record.unlinked_at), at=moment(at)
    )


def aliases_at(collection: Collection, at: datetime) -> dict[int, list[str]]:
    """The aliases each version index held at `at`, in one query: per alias (ignoring
    case), its last event at or before `at`; a removal leaves it on no version."""
    ranked = (
        AliasEvent.objects.filter(collection=collection, created_at__lte=at)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[Lower("alias")],
                order_by=[F("created_at").desc(), F("id").desc()],
            )
        )
        .filter(rank=1)
        .values_list("alias", "to_index")
    )
    held: dict[int, list[str]] = {}
    for alias, index in ranked:
        if index is not None:
            held.setdefault(index, []).append(alias)
    return held


@dataclass(frozen=True)
class RowAt:
    """A version as the collection table showed it at a moment (`version` is its record)."""

    version: LinkRecord
    chips: list[Chip]

    @property
    def linked_now(self) -> bool:
        return self.version.unlinked_at is None


def version_rows_at(collection: Collection, at: datetime, page_number) -> tuple[Page, list[RowAt]]:
    """One page of the versions linked at `at` (newest first) with their chips then."""
    alive = linked_at(LinkRecord.objects.filter(collection=collection), at)
    latest = alive.values_list("index", flat=True).first()
    records = alive.select_related("linked_by", "source").order_by("-index")
    page = Paginator(records, settings.REGISTRY_PAGE_SIZE).get_page(page_number)
    held = aliases_at(collection, at) if page.object_list else {}
    protected = protected_names(collection.registry)
    rows = [
        RowAt(
            r, chips_for(held.get(r.index, ()), index=r.index, latest=latest, protected=protected)
        )
        for r in page.object_list
    ]
    return page, rows
