"""Feeds: ordered streams of candidate rows, and merging them into the best N.

Each feed is one index-friendly query on `lower(name)` (or a description) whose rows come
in rank order: exact and prefix matches as a range on the `COLLATE "C"` b-tree, substring
matches on the trigram GIN index (migration 0003). `top` asks each feed for as few rows as
it can and stops once no unread row could enter the best N.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Collate, Lower

from registry.selectors.search_hits import Match

EXACT, PREFIX, SUBSTRING, FILTER = "exact", "prefix", "substring", "filter"
TIER = {EXACT: 0, PREFIX: 1, SUBSTRING: 2}

# A feed is one ordered stream of candidate rows: (key, object id, Match). Rows of a feed
# come in key order, so the best `limit` rows of the merge are known once every feed has
# either run dry or reached a key beyond the current limit-th best.
Row = tuple[tuple, int, Match]


@dataclass
class Feed:
    """`source` is ordered by rank; its rows are `columns` (pk, object id, text, lname),
    which `convert` turns into a Row."""

    source: QuerySet
    columns: tuple[str, str, str, str]
    convert: Callable[[tuple], Row]
    floor: tuple  # no row of this feed has a smaller key
    rows: list[Row] = field(default_factory=list)
    asked: int = 0

    @property
    def saturated(self) -> bool:
        return self.asked > 0 and len(self.rows) >= self.asked


def _fetch(feeds: list[Feed]) -> None:
    """Read each feed's first `asked` rows: one UNION ALL query where the database can
    limit the parts of a compound statement (PostgreSQL), one query per feed otherwise."""
    if len(feeds) == 1 or not connection.features.supports_slicing_ordering_in_compound:
        for feed in feeds:
            feed.rows = [
                feed.convert(v) for v in feed.source.values_list(*feed.columns)[: feed.asked]
            ]
        return
    parts = [
        feed.source.annotate(feed_no=Value(i)).values_list("feed_no", *feed.columns)[: feed.asked]
        for i, feed in enumerate(feeds)
    ]
    for feed in feeds:
        feed.rows = []
    for values in parts[0].union(*parts[1:], all=True).order_by():
        feed = feeds[values[0]]
        feed.rows.append(feed.convert(values[1:]))
    for feed in feeds:  # a UNION ALL keeps no order across parts; ranks restore it
        feed.rows.sort(key=lambda row: row[0])


def top(feeds: list[Feed], limit: int) -> list[tuple[int, Match]]:
    """The best `limit` distinct objects over all feeds, fetching as little as possible."""
    if limit <= 0:
        return []
    while True:
        best: dict[int, tuple[tuple, Match]] = {}
        for feed in feeds:
            for key, obj, match in feed.rows:
                if obj not in best or key < best[obj][0]:
                    best[obj] = (key, match)
        ranked = sorted(best.items(), key=lambda item: item[1][0])
        kth = ranked[limit - 1][1][0] if len(ranked) >= limit else None
        pending = []
        for feed in feeds:
            if not feed.asked:
                if kth is None or feed.floor < kth:
                    pending.append(feed)
            elif feed.saturated:
                if kth is None or feed.rows[-1][0] < kth:
                    pending.append(feed)
        if not pending:
            return [(obj, match) for obj, (_key, match) in ranked[:limit]]
        # Best-first: exact and prefix feeds before substring feeds, each tier in one query.
        tier = min(feed.floor[0] for feed in pending)
        batch = [f for f in pending if f.asked or f.floor[0] == tier]
        for feed in batch:
            feed.asked = feed.asked * 4 or limit
        _fetch(batch)


def lower_name():
    # `COLLATE "C"` makes the b-tree usable for prefix ranges and orders bytewise.
    lower = Lower("name")
    return Collate(lower, "C") if connection.vendor == "postgresql" else lower


def _upper_bound(prefix: str) -> str | None:
    """The least string above every string starting with `prefix` (None: there is none)."""
    while prefix and prefix[-1] == chr(0x10FFFF):
        prefix = prefix[:-1]
    return prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else None


def _prefix_q(term: str) -> Q:
    bound = _upper_bound(term)
    return Q(lname__gte=term) if bound is None else Q(lname__gte=term, lname__lt=bound)


def name_feeds(qs: QuerySet, obj: str, fieldname: str, prio: int, term: str) -> list[Feed]:
    """Exact+prefix matches by name (one range scan of the b-tree, in order), then
    substring matches oldest first (trigram index; id order keeps the scan short however
    the matching names sort)."""
    qs = qs.annotate(lname=lower_name())

    def convert(values: tuple) -> Row:
        pk, obj_id, name, lname = values
        if lname.startswith(term):
            kind = EXACT if lname == term else PREFIX
            return (TIER[kind], prio, lname, pk), obj_id, Match(fieldname, name, kind)
        return (TIER[SUBSTRING], prio, "", pk), obj_id, Match(fieldname, name, SUBSTRING)

    columns = ("pk", obj, "name", "lname")
    prefix = qs.filter(_prefix_q(term)).order_by("lname", "pk")
    substring = (
        qs.alias(lower=Lower("name"))
        .filter(lower__contains=term)
        .exclude(_prefix_q(term))
        .order_by("pk")
    )
    return [
        Feed(prefix, columns, convert, (0, prio)),
        Feed(substring, columns, convert, (2, prio)),
    ]


def exact_feed(qs: QuerySet, obj: str, fieldname: str, prio: int, value: str) -> Feed:
    """Rows whose name equals a filter value (`alias:production` alone)."""

    def convert(values: tuple) -> Row:
        pk, obj_id, name, _lname = values
        return (0, prio, "", pk), obj_id, Match(fieldname, name, FILTER)

    source = qs.annotate(lname=lower_name()).filter(lname=value).order_by("lname", "pk")
    return Feed(source, ("pk", obj, "name", "lname"), convert, (0, prio))


def description_feed(qs: QuerySet, prio: int, term: str) -> Feed:
    """Substring matches in descriptions, oldest first."""

    def convert(values: tuple) -> Row:
        pk, _obj, desc, _lname = values
        return (3, prio, "", pk), pk, Match("description", excerpt(desc, term), SUBSTRING)

    source = (
        qs.alias(ldesc=Lower("description"))
        .annotate(lname=lower_name())
        .filter(ldesc__contains=term)
        .order_by("pk")
    )
    return Feed(source, ("pk", "pk", "description", "lname"), convert, (3, prio))


def listing_feed(qs: QuerySet, match: Match) -> Feed:
    """Every row of `qs` by name, all with the same Match (`type:model` alone)."""

    def convert(values: tuple) -> Row:
        pk, _obj, _name, lname = values
        return (0, 0, lname, pk), pk, match

    source = qs.annotate(lname=lower_name()).order_by("lname", "pk")
    return Feed(source, ("pk", "pk", "name", "lname"), convert, (0, 0))


def excerpt(text: str, term: str, width: int = 60) -> str:
    at = text.lower().find(term)
    start = max(0, at - width // 2)
    snippet = text[start : start + width + len(term)]
    return ("…" if start else "") + snippet + ("…" if start + width + len(term) < len(text) else "")


def lower_eq(qs: QuerySet, value: str) -> QuerySet:
    return qs.alias(lname=lower_name()).filter(lname=value)
