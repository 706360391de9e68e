"""Random sequences of link / unlink / add / remove / (un)protect against a reference model.

Each Hypothesis example runs inside a savepoint that is rolled back afterwards, so every
example starts from the same database: the `registry` fixture, two actors (a member and
an admin) and a pool of source versions. After every step the database must match a
plain-Python model of the rules in DESIGN.md (invariants 1-4, 6, 7, 9).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from registry.errors import Conflict, Forbidden, NotFound, RegistryError
from registry.models import Alias, AliasEvent, Collection, LinkedVersion
from registry.selectors.versions import latest_index, protected_names
from registry.services.aliases import add_alias, remove_alias
from registry.services.linking import link_version, unlink_version
from registry.services.registries import create_protected_alias, delete_protected_alias
from tests.factories import make_project, make_source

ALIAS_NAMES = ["production", "Production", "staging", "best", "BEST", "candidate"]
LINK_NAMES = [*ALIAS_NAMES, "latest", "v1"]  # reserved: ignored, as W&B ignores them
ACTORS = ["member", "admin"]
SOURCES = 5
_collections = itertools.count()


@dataclass
class Model:
    """What the database must hold for one collection, by the rules alone."""

    linked: dict[int, int] = field(default_factory=dict)  # source slot -> index
    next_index: int = 0
    aliases: dict[str, tuple[str, int]] = field(default_factory=dict)  # lower -> (shown, index)
    protected: set[str] = field(default_factory=set)
    events: int = 0  # AliasEvent rows
    collection_exists: bool = False

    def holds(self, index: int, name: str) -> bool:
        return self.aliases.get(name.lower(), ("", None))[1] == index

    def member_refused(self, actor: str, index: int | None, name: str) -> bool:
        """A member may not add, move or remove a protected alias; re-adding is a no-op."""
        protected = name.lower() in self.protected
        return actor == "member" and protected and (index is None or not self.holds(index, name))

    def apply(self, index: int, name: str) -> None:
        key = name.lower()
        if self.holds(index, name):
            return
        shown = self.aliases[key][0] if key in self.aliases else name
        self.aliases[key] = (shown, index)
        self.events += 1


class AliasMachine(RuleBasedStateMachine):
    registry = None
    users: dict = {}
    sources: list = []

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.name = f"c{next(_collections)}"
        self.model = Model()

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # Helpers

    def collection(self) -> Collection | None:
        return Collection.objects.filter(registry=self.registry, name=self.name).first()

    def version(self, index: int) -> LinkedVersion:
        return LinkedVersion.objects.select_related("collection__registry").get(
            collection__registry=self.registry, collection__name=self.name, index=index
        )

    def pick(self, choice: int) -> int:
        indexes = sorted(self.model.linked.values())
        return indexes[choice % len(indexes)]

    def attempt(self, expected: type[RegistryError] | None, call) -> None:
        """Run a service call; it must raise `expected` (and then change nothing)."""
        if expected is None:
            call()
            return
        with pytest.raises(expected):
            call()

    def has_versions(self) -> bool:
        return bool(self.model.linked)

    # Rules

    @rule(
        slot=st.integers(0, SOURCES - 1),
        names=st.lists(st.sampled_from(LINK_NAMES), max_size=3),
        actor=st.sampled_from(ACTORS),
    )
    def link(self, slot, names, actor):
        model = self.model
        existing = model.linked.get(slot)
        index = model.next_index if existing is None else existing
        wanted, seen = [], set()
        for name in names:
            if name.lower() not in seen and name != "latest":
                seen.add(name.lower())
                wanted.append(name)
        wanted = [n for n in wanted if n.lower() != "v1"]
        if any(model.member_refused(actor, existing, n) for n in wanted):
            expected = Forbidden
        else:
            expected = None
        self.attempt(
            expected,
            lambda: link_version(
                registry=self.registry,
                collection_name=self.name,
                source=self.sources[slot],
                aliases=names,
                actor=self.users[actor],
            ),
        )
        if expected is None:
            model.collection_exists = True
            if existing is None:
                model.linked[slot] = index
                model.next_index += 1
            for name in wanted:
                model.apply(index, name)

    @precondition(has_versions)
    @rule(choice=st.integers(0, 50), actor=st.sampled_from(ACTORS))
    def unlink(self, choice, actor):
        model = self.model
        index = self.pick(choice)
        held = [shown for shown, i in model.aliases.values() if i == index]
        refused = any(model.member_refused(actor, None, n) for n in held)
        self.attempt(
            Forbidden if refused else None,
            lambda: unlink_version(version=self.version(index), actor=self.users[actor]),
        )
        if not refused:
            model.linked = {s: i for s, i in model.linked.items() if i != index}
            model.aliases = {k: v for k, v in model.aliases.items() if v[1] != index}
            model.events += len(held)

    @precondition(has_versions)
    @rule(
        choice=st.integers(0, 50),
        name=st.sampled_from(ALIAS_NAMES),
        actor=st.sampled_from(ACTORS),
    )
    def add(self, choice, name, actor):
        index = self.pick(choice)
        refused = self.model.member_refused(actor, index, name)
        self.attempt(
            Forbidden if refused else None,
            lambda: add_alias(version=self.version(index), name=name, actor=self.users[actor]),
        )
        if not refused:
            self.model.apply(index, name)

    @precondition(has_versions)
    @rule(
        choice=st.integers(0, 50),
        name=st.sampled_from(ALIAS_NAMES),
        actor=st.sampled_from(ACTORS),
    )
    def remove(self, choice, name, actor):
        model = self.model
        index = self.pick(choice)
        if not model.holds(index, name):
            expected = NotFound
        elif model.member_refused(actor, None, name):
            expected = Forbidden
        else:
            expected = None
        self.attempt(
            expected,
            lambda: remove_alias(version=self.version(index), name=name, actor=self.users[actor]),
        )
        if expected is None:
            del model.aliases[name.lower()]
            model.events += 1

    @rule(name=st.sampled_from(ALIAS_NAMES), actor=st.sampled_from(ACTORS))
    def protect(self, name, actor):
        model = self.model
        if actor != "admin":
            expected = Forbidden
        elif name.lower() in model.protected:
            expected = Conflict
        else:
            expected = None
        self.attempt(
            expected,
            lambda: create_protected_alias(
                registry=self.registry, name=name, actor=self.users[actor]
            ),
        )
        if expected is None:
            model.protected.add(name.lower())

    @rule(name=st.sampled_from(ALIAS_NAMES), actor=st.sampled_from(ACTORS))
    def unprotect(self, name, actor):
        model = self.model
        if actor != "admin":
            expected = Forbidden
        elif name.lower() not in model.protected:
            expected = NotFound
        else:
            expected = None
        self.attempt(
            expected,
            lambda: delete_protected_alias(
                registry=self.registry, name=name, actor=self.users[actor]
            ),
        )
        if expected is None:
            model.protected.discard(name.lower())

    # Checked after every step

    @invariant()
    def database_matches_the_model(self):
        model = self.model
        collection = self.collection()
        assert (collection is not None) == model.collection_exists
        assert protected_names(self.registry) == model.protected
        if collection is None:
            return
        by_pk = {s.pk: slot for slot, s in enumerate(self.sources)}
        linked = {
            by_pk[source]: index
            for index, source in LinkedVersion.objects.filter(collection=collection).values_list(
                "index", "source_id"
            )
        }
        assert linked == model.linked
        assert collection.next_index == model.next_index  # indexes are never reused
        assert latest_index(collection) == max(model.linked.values(), default=None)
        aliases = {
            name.lower(): (name, index)
            for name, index in Alias.objects.filter(collection=collection).values_list(
                "name", "version__index"
            )
        }
        assert Alias.objects.filter(collection=collection).count() == len(aliases)
        assert aliases == model.aliases
        assert AliasEvent.objects.filter(collection=collection).count() == model.events


def test_random_alias_histories_keep_every_invariant(registry, member, admin):
    AliasMachine.registry = registry
    AliasMachine.users = {"member": member, "admin": admin}
    AliasMachine.sources = [
        make_source(admin, name="zoo-model", content=f"source-{i}".encode()) for i in range(SOURCES)
    ]
    make_project(member)  # the member joins the sources' entity, so it may link them
    run_state_machine_as_test(
        AliasMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
