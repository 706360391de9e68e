"""Promotion gates: what a protected alias's policy asks of a version, checked now.

A gate is a row of the request page's checklist: what is asked, whether the version
passes, and the value actually found, so a failing gate says what to fix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from registry import predicates
from registry.db import lower
from registry.errors import Invalid
from registry.models import LinkedVersion, ProtectedAlias, Registry, Run

RUN_FINISHED = "Source run finished"
NO_RUN = "no run recorded"
APPROVALS = "Approved by {needed} admin{s} other than the requester"


@dataclass(frozen=True)
class GateCheck:
    """`binding`: whether the move depends on this row alone. With $or, $nor or $not in
    the conditions, single conditions may fail while the whole holds: they are shown for
    their values and one row for the whole decides."""

    label: str
    passed: bool
    actual: str
    binding: bool = True
    waiting: bool = False  # not failed: more approvals may come

    @property
    def outcome(self) -> str:
        return "passes" if self.passed else ("waiting" if self.waiting else "fails")


def policies_for(registry: Registry, names) -> dict[str, ProtectedAlias]:
    """{lowercased name: ProtectedAlias} for those of `names` protected in `registry`."""
    wanted = [n.lower() for n in names]
    if not wanted:
        return {}
    found = ProtectedAlias.objects.filter(registry=registry)
    found = (
        found.filter(name__lower__in=wanted)
        if len(wanted) > 1
        else found.filter(name__lower=lower(wanted[0]))
    )
    return {p.name.lower(): p for p in found}


def policy_for(registry: Registry, name: str) -> ProtectedAlias | None:
    return policies_for(registry, [name]).get(name.lower())


def has_version_gates(policy: ProtectedAlias) -> bool:
    return bool(policy.conditions) or policy.require_finished_run


def version_checks(policy: ProtectedAlias, version: LinkedVersion) -> list[GateCheck]:
    """The policy's checks on `version` (conditions, source run), evaluated now."""
    checks = condition_checks(policy.conditions, version)
    if policy.require_finished_run:
        checks.append(run_check(version))
    return checks


def run_check(version: LinkedVersion) -> GateCheck:
    run_id = version.source.created_run_id
    state = (
        Run.objects.filter(pk=run_id).values_list("state", flat=True).first()
        if run_id is not None
        else None
    )
    actual = NO_RUN if state is None else f"run is {state}"
    return GateCheck(RUN_FINISHED, state == Run.State.FINISHED, actual)


def approvals_check(policy: ProtectedAlias | None, approvals: int) -> GateCheck:
    needed = policy.required_approvals if policy is not None else 1
    return GateCheck(
        APPROVALS.format(needed=needed, s="" if needed == 1 else "s"),
        approvals >= needed,
        f"{approvals} of {needed}",
        waiting=approvals < needed,
    )


ALL_CONDITIONS = "All conditions together"
LOGICAL = ('"$or"', '"$nor"', '"$not"')


def condition_checks(conditions: dict, version: LinkedVersion) -> list[GateCheck]:
    """One row per condition, evaluated in the database, with the version's actual value."""
    if not conditions:
        return []
    written = json.dumps(conditions)
    alternatives = any(op in written for op in LOGICAL)
    rows = [
        GateCheck(r.condition, r.passed, _shown(r.actual), binding=not alternatives)
        for r in predicates.explain_version_conditions(version, conditions)
    ]
    if alternatives:
        whole = predicates.version_matches(version, conditions)
        rows.append(GateCheck(ALL_CONDITIONS, whole, written))
    return rows


def _shown(value) -> str:
    return "missing" if value is None else json.dumps(value, ensure_ascii=False, default=str)


NOT_AN_OBJECT = (
    'Conditions are a JSON object of field: condition, e.g. {"metadata.accuracy": '
    '{"$gte": 0.9}}; got {kind}.'
)


def validate_conditions(conditions) -> dict:
    """Conditions as the query API's versions filter accepts them (FilterError says why not)."""
    if conditions in (None, ""):
        return {}
    if not isinstance(conditions, dict):
        raise Invalid(NOT_AN_OBJECT.replace("{kind}", type(conditions).__name__))
    predicates.compile_filter("versions", conditions)
    return conditions
