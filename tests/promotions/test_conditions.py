"""Gate conditions in the query API's predicate language, evaluated in the database
(run on SQLite and on PostgreSQL)."""

from __future__ import annotations

import pytest

from registry.errors import Forbidden, Invalid
from registry.models import Alias
from registry.predicates import FilterError
from registry.selectors import gates as gate_reads
from registry.selectors.promotions import promotion_detail
from registry.services import gates, promotions
from registry.services.aliases import add_alias
from registry.services.linking import link_version
from registry.services.tags import add_version_tags
from tests.factories import make_source
from tests.promotions.conftest import ask

ACCURATE = {"metadata.accuracy": {"$gte": 0.9}}


def linked(registry, org_admin, metadata):
    source = make_source(org_admin, name="zoo-model", metadata=metadata)
    version, _ = link_version(
        registry=registry, collection_name="zoo", source=source, aliases=(), actor=org_admin
    )
    return version


def gate(registry, org_admin, conditions):
    gates.set_policy(
        registry=registry,
        name="production",
        required_approvals=1,
        conditions=conditions,
        require_finished_run=False,
        actor=org_admin,
    )


def test_the_checklist_shows_each_condition_with_its_actual_value(registry, zoo, org_admin, alice):
    gate(registry, org_admin, {**ACCURATE, "tag": {"$in": ["validated"]}})
    weak = linked(registry, org_admin, {"accuracy": 0.85})
    checks = promotion_detail(ask(registry, weak, alice)).checks
    # PostgreSQL's jsonb keeps an object's keys in its own order: find rows by label.
    accuracy = next(c for c in checks if "metadata.accuracy" in c.label)
    tag = next(c for c in checks if c.label.startswith("tag"))
    assert (accuracy.passed, accuracy.actual) == (False, "0.85")
    assert (tag.passed, tag.actual) == (False, "[]")
    last = checks[-1]
    assert (last.label, last.passed, last.actual) == (
        "Approved by 1 admin other than the requester",
        False,
        "0 of 1",
    )


def test_a_version_that_fails_a_condition_cannot_be_promoted_or_moved(
    registry, zoo, admin, org_admin, alice
):
    gate(registry, org_admin, ACCURATE)
    weak = linked(registry, org_admin, {"accuracy": 0.85})
    request = ask(registry, weak, alice)
    with pytest.raises(Forbidden, match=r"blocked by its gates: .*metadata\.accuracy.*0\.85"):
        promotions.approve(promotion=request, actor=admin)
    with pytest.raises(Forbidden, match="blocked by its gates"):
        add_alias(version=weak, name="production", actor=admin)
    assert Alias.objects.get(name="production").version.index == 0


def test_a_version_that_meets_every_condition_moves(registry, zoo, admin, org_admin, alice):
    gate(registry, org_admin, {**ACCURATE, "tag": {"$in": ["validated"]}})
    strong = linked(registry, org_admin, {"accuracy": 0.93})
    add_version_tags(version=strong, names=["validated"], actor=org_admin)
    request = ask(registry, strong, alice)
    assert all(c.passed for c in promotion_detail(request).checks[:-1])
    promotions.approve(promotion=request, actor=admin)
    assert Alias.objects.get(name="production").version == strong


def test_alternatives_decide_as_a_whole(registry, zoo, admin, org_admin):
    gate(registry, org_admin, {"$or": [ACCURATE, {"tag": {"$in": ["validated"]}}]})
    version = linked(registry, org_admin, {"accuracy": 0.95})
    checks = gate_reads.version_checks(registry.protected_aliases.get(name="production"), version)
    assert [c.binding for c in checks] == [False, False, True]
    assert checks[-1].label == gate_reads.ALL_CONDITIONS and checks[-1].passed
    add_alias(version=version, name="production", actor=admin)


def test_conditions_are_checked_when_saved(registry, zoo, org_admin):
    with pytest.raises(FilterError):
        gate(registry, org_admin, {"metadata.accuracy": {"$almost": 0.9}})
    with pytest.raises(Invalid, match="Conditions are a JSON object"):
        gate(registry, org_admin, ["metadata.accuracy"])
