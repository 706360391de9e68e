"""Enforcing promotion gates on every move of a protected alias (admins' direct moves too).

Called by the alias service under the collection lock, only when a protected alias is
about to reach a version: other alias writes pay no query for it.
"""

from __future__ import annotations

from django.db import transaction

from registry import permissions
from registry.db import lower
from registry.errors import Forbidden, Invalid, NotFound
from registry.models import LinkedVersion, PromotionRequest, ProtectedAlias, Registry
from registry.selectors import gates
from registry.services.locks import lock_collections_of

GATES_FAIL = (
    "Moving '{alias}' to v{index} of '{collection}' is blocked by its gates: {failing}. "
    "Fix the version, or an organization admin can override with a written reason."
)
OVERRIDE_NEEDS_ORG_ADMIN = (
    "Overriding a failing gate needs an organization admin; your move was not made."
)
OVERRIDE_TOO_LONG = "An override reason is at most 2,000 characters."
NOT_PROTECTED = "'{name}' is not a protected alias in registry '{registry}'; add it first."
BAD_APPROVALS = "Required approvals is a whole number from 1 to {most}; got '{value}'."
MOST_APPROVALS = 20


def describe_failing(checks: list[gates.GateCheck]) -> str:
    return "; ".join(
        f"{c.label} (actual: {c.actual})" for c in checks if not c.passed and c.binding
    )


def check_gates(
    *,
    registry: Registry,
    version: LinkedVersion,
    names: list[str],
    actor,
    promotion: PromotionRequest | None = None,
    override_reason: str = "",
) -> str:
    """Refuse the move if a gate of one of the protected `names` fails on `version`.

    A move through an approved request has its approvals counted by the request; a direct
    move counts as one admin's approval. An organization admin may move past failing gates
    with a written reason; returns the reason to record ("" when nothing was overridden).
    """
    override_reason = (override_reason or "").strip()
    if len(override_reason) > 2000:
        raise Invalid(OVERRIDE_TOO_LONG)
    policies = gates.policies_for(registry, names)
    for name in names:
        policy = policies.get(name.lower())
        if policy is None:
            continue
        checks = gates.version_checks(policy, version)
        if promotion is None:
            checks.append(gates.approvals_check(policy, 1))
        if all(c.passed for c in checks if c.binding):
            continue
        if not override_reason:
            raise Forbidden(
                GATES_FAIL.format(
                    alias=policy.name,
                    index=version.index,
                    collection=version.collection.name,
                    failing=describe_failing(checks),
                )
            )
        if not actor.is_superuser:
            raise Forbidden(OVERRIDE_NEEDS_ORG_ADMIN)
        return override_reason
    return ""


@transaction.atomic
def set_policy(
    *,
    registry: Registry,
    name: str,
    required_approvals,
    conditions: dict,
    require_finished_run: bool,
    actor,
) -> ProtectedAlias:
    """The gates of protected alias `name` (admins). Alias writes in flight finish first,
    and later ones see the new policy (the same locks as changing what is protected)."""
    permissions.check_can_admin(actor, registry, "Changing promotion gates")
    try:
        approvals = int(required_approvals)
    except (TypeError, ValueError):
        approvals = 0
    if not 1 <= approvals <= MOST_APPROVALS:
        raise Invalid(BAD_APPROVALS.format(most=MOST_APPROVALS, value=required_approvals))
    conditions = gates.validate_conditions(conditions)
    lock_collections_of(registry)
    policy = ProtectedAlias.objects.filter(registry=registry, name__lower=lower(name)).first()
    if policy is None:
        raise NotFound(NOT_PROTECTED.format(name=name, registry=registry.name))
    policy.required_approvals = approvals
    policy.conditions = conditions
    policy.require_finished_run = bool(require_finished_run)
    policy.save(update_fields=["required_approvals", "conditions", "require_finished_run"])
    return policy
