"""Promotion gates: what a protected alias's policy asks of a version, checked now.

A gate is a row of the request page's checklist: what is asked, whether the version
passes, and the value actually found, so a failing gate says what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass

from registry.db import lower
from registry.errors import Invalid
from registry.models import LinkedVersion, ProtectedAlias, Registry, Run

RUN_FINISHED = "Source run finished"
NO_RUN = "no run recorded"
APPROVALS = "Approved by {needed} admin{s} other than the requester"


@dataclass(frozen=True)
class GateCheck:
    label: str
    passed: bool
    actual: str


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
    )


def condition_checks(conditions: dict, version: LinkedVersion) -> list[GateCheck]:
    """One check per condition, evaluated in the database, with the version's value."""
    return []


NOT_AN_OBJECT = (
    'Conditions are a JSON object of field: condition, e.g. {"metadata.accuracy": '
    '{"$gte": 0.9}}; got {kind}.'
)


def validate_conditions(conditions) -> dict:
    if conditions in (None, ""):
        return {}
    if not isinstance(conditions, dict):
        raise Invalid(NOT_AN_OBJECT.replace("{kind}", type(conditions).__name__))
    return conditions
