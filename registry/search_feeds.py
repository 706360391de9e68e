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
from django.db.models import Q, QuerySet
from django.db.models.functions import Collate, Lower

from registry.search_hits import Match

EXACT, PREFIX, SUBSTRING, FILTER = "exact", "prefix", "substring", "filter"
TIER = {EXACT: 0, PREFIX: 1, SUBSTRING: 2}

# A feed is one ordered stream of candidate rows: (key, object id, Match). Rows of a feed
# come in key order, so the best `limit` rows of the merge are known once every feed has
# either run dry or reached a key beyond the current limit-th best.
Row = tuple[tuple, int, Match]


@dataclass
class Feed:
    fetch: Callable[[int], list[Row]]
    floor: tuple  # no row of this feed has a smaller key
    rows: list[Row] = field(default_factory=list)
    asked: int = 0

    @property
    def saturated(self) -> bool:
        return self.asked > 0 and len(self.rows) >= self.asked


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
        # Best-first: fetch the feeds that can hold the best rows before the others.
        floor = min(feed.floor for feed in pending)
        for feed in pending:
            if feed.floor == floor or feed.asked:
                feed.asked = feed.asked * 4 or limit
                feed.rows = feed.fetch(feed.asked)


def lower_name():
    # `COLLATE "C"` makes the b-tree usable for prefix ranges and orders bytewise.
    lower = Lower("name")
    return Collate(lower, "C") if connection.vendor == "postgresql" else lower


def _upper_bound(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _prefix_q(term: str) -> Q:
    return Q(lname__gte=term, lname__lt=_upper_bound(term))


def name_feeds(qs: QuerySet, obj: str, fieldname: str, prio: int, term: str) -> list[Feed]:
    """Exact+prefix (one ordered range scan) and substring feeds on `lower(name)`."""
    qs = qs.annotate(lname=lower_name())

    def rows(subset: QuerySet, limit: int) -> list[Row]:
        out = []
        for pk, obj_id, name, lname in subset.order_by("lname", "pk").values_list(
            "pk", obj, "name", "lname"
        )[:limit]:
            kind = EXACT if lname == term else PREFIX if lname.startswith(term) else SUBSTRING
            out.append(((TIER[kind], prio, lname, pk), obj_id, Match(fieldname, name, kind)))
        return out

    prefix = qs.filter(_prefix_q(term))
    substring = qs.alias(lower=Lower("name")).filter(lower__contains=term).exclude(_prefix_q(term))
    return [
        Feed(lambda n: rows(prefix, n), (0, prio)),
        Feed(lambda n: rows(substring, n), (2, prio)),
    ]


def exact_feed(qs: QuerySet, obj: str, fieldname: str, prio: int, value: str) -> Feed:
    """Rows whose name equals a filter value (`alias:production` alone)."""

    def rows(limit: int) -> list[Row]:
        subset = qs.alias(lname=lower_name()).filter(lname=value).order_by("lname", "pk")
        return [
            ((0, prio, "", pk), obj_id, Match(fieldname, name, FILTER))
            for pk, obj_id, name in subset.values_list("pk", obj, "name")[:limit]
        ]

    return Feed(rows, (0, prio))


def description_feed(qs: QuerySet, prio: int, term: str) -> Feed:
    def rows(limit: int) -> list[Row]:
        subset = (
            qs.alias(ldesc=Lower("description"))
            .annotate(lname=lower_name())
            .filter(ldesc__contains=term)
            .order_by("lname", "pk")
        )
        out = []
        for pk, lname, desc in subset.values_list("pk", "lname", "description")[:limit]:
            match = Match("description", excerpt(desc, term), SUBSTRING)
            out.append(((3, prio, lname, pk), pk, match))
        return out

    return Feed(rows, (3, prio))


def excerpt(text: str, term: str, width: int = 60) -> str:
    at = text.lower().find(term)
    start = max(0, at - width // 2)
    snippet = text[start : start + width + len(term)]
    return ("…" if start else "") + snippet + ("…" if start + width + len(term) < len(text) else "")


def lower_eq(qs: QuerySet, value: str) -> QuerySet:
    return qs.alias(lname=lower_name()).filter(lname=value)
