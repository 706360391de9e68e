"""Replaying days of links, alias moves, removals and unlinks, then asking for every minute.

The services write the history as they always do (the clock is moved between steps); an
independent model in this file keeps what the collection held after each step. Every
minute boundary of the replay is then resolved with `at=` and compared with the model:
the version index, "held a version since unlinked", or "named nothing".
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from registry.errors import NotFound
from registry.models import LinkedVersion
from registry.selectors.resolve import resolve_at
from registry.services.aliases import add_alias, remove_alias
from registry.services.linking import unlink_version
from tests.factories import link_new

START = datetime(2026, 11, 1, tzinfo=UTC)
DAYS = 2
ALIASES = ["production", "staging", "canary"]
GONE, NOTHING = "gone", "nothing"


@dataclass
class Model:
    """What the collection holds, kept by this test alone."""

    linked: set[int] = field(default_factory=set)
    holders: dict[str, int] = field(default_factory=dict)  # alias, lowercased -> index
    next_index: int = 0

    def copy(self) -> Model:
        return Model(set(self.linked), dict(self.holders), self.next_index)

    def named(self, ref: str) -> int | None:
        if ref == "latest":
            return max(self.linked) if self.linked else None
        if ref.startswith("v") and ref[1:].isdigit():
            return int(ref[1:]) if int(ref[1:]) in self.linked else None
        return self.holders.get(ref.lower())


def script(rng: random.Random):
    """(seconds after START, operation, argument) steps, in time order.

    Fixed steps first (a move at the very first instant's minute, an alias on a version
    that gets unlinked, two steps in the same instant, steps exactly on minute
    boundaries), then random ones over the days.
    """
    steps = [
        (0, "link", ["production"]),
        (60, "link", ["staging"]),
        (60, "alias", ("Production", 1)),  # the same instant: the move comes second
        (150, "link", []),
        (180, "alias", ("canary", 2)),
        (240, "unlink", 2),  # takes canary with it; latest falls back to v1
        (3600, "unalias", ("staging", 1)),
        (3630, "alias", ("staging", 0)),
    ]
    now = 3630
    while now < DAYS * 86400 - 3600:
        now += rng.choice([1, 30, 59, 60, 61, 300, 600, 1800, 3600])
        if rng.random() < 0.3:
            now += -now % 60  # exactly on a minute boundary (never back in time)
        steps.append(
            (now, rng.choice(["link", "alias", "alias", "alias", "unalias", "unlink"]), None)
        )
    return steps


def replay(steps, rng, registry, actor, clock) -> tuple[list[datetime], list[Model]]:
    model, versions = Model(), {}
    times, states = [], []
    for seconds, op, arg in steps:
        clock.now = START + timedelta(seconds=seconds)
        if op == "link":
            names = arg if arg is not None else rng.sample(ALIASES, rng.choice([0, 0, 1]))
            linked = link_new(actor, registry, aliases=names)
            versions[linked.index] = linked
            model.linked.add(linked.index)
            model.next_index = linked.index + 1
            for name in names:
                model.holders[name.lower()] = linked.index
        elif op == "alias" and model.linked:
            name, index = arg or (rng.choice(ALIASES), rng.choice(sorted(model.linked)))
            add_alias(version=versions[index], name=name, actor=actor)
            model.holders[name.lower()] = index
        elif op == "unalias" and model.holders:
            name, index = arg or rng.choice(sorted(model.holders.items()))
            remove_alias(version=versions[index], name=name, actor=actor)
            del model.holders[name.lower()]
        elif op == "unlink" and len(model.linked) > 1:
            index = arg if arg is not None else rng.choice(sorted(model.linked))
            unlink_version(version=versions.pop(index), actor=actor)
            model.linked.discard(index)
            model.holders = {k: v for k, v in model.holders.items() if v != index}
        else:
            continue
        times.append(clock.now)
        states.append(model.copy())
    return times, states


def answer(actor, ref: str, at: datetime, indexes: dict[int, int]):
    try:
        return indexes[resolve_at(actor, "Model", "zoo", ref, at).version_id]
    except NotFound as refusal:
        return GONE if "has since been unlinked" in refusal.message else NOTHING


def test_every_minute_of_a_replayed_history_resolves_as_the_model_says(registry, member, clock):
    rng = random.Random(20261103)
    times, states = replay(script(rng), rng, registry, member, clock)
    indexes = dict(LinkedVersion.objects.values_list("pk", "index"))
    linked_now = set(indexes.values())
    assert linked_now == states[-1].linked
    refs = ["latest", *ALIASES, "Production", "v2"]
    minute = START - timedelta(minutes=2)
    checked, mismatches, kinds = 0, [], set()
    while minute <= times[-1] + timedelta(minutes=2):
        step = bisect.bisect_right(times, minute) - 1
        state = states[step] if step >= 0 else Model()
        for ref in refs:
            index = state.named(ref)
            expected = NOTHING if index is None else index if index in linked_now else GONE
            kinds.add(expected if isinstance(expected, str) else "a version")
            got = answer(member, ref, minute, indexes)
            if got != expected:
                mismatches.append((ref, minute.isoformat(), got, expected))
            checked += 1
        minute += timedelta(minutes=1)
    assert mismatches[:10] == []
    assert times[-1] - times[0] > timedelta(days=DAYS, hours=-2)
    assert checked == len(refs) * ((times[-1] - START).total_seconds() // 60 + 5)
    # The script made every kind of answer happen, so none of them went untested.
    assert kinds == {"a version", GONE, NOTHING}
