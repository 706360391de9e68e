"""W&B's MongoDB-like filters, compiled to conditions that run in the database.

`compile_filter("versions", {"metadata.accuracy": {"$gte": 0.9}, "alias": "production"})`
returns a `Q` for `LinkedVersion`; registries filter `Registry`, collections `Collection`.
Nothing is loaded into Python to decide whether a row matches.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.db.models import Q

from registry.predicates.compiler import Walk
from registry.predicates.errors import FilterError
from registry.predicates.kinds import KINDS, field_names

__all__ = [
    "KINDS",
    "ConditionResult",
    "FilterError",
    "compile_filter",
    "explain_version_conditions",
    "field_names",
    "version_matches",
]


def compile_filter(kind: str, filter: dict[str, Any] | None) -> Q:
    """The filter as a `Q` on the model of `kind`; `FilterError` (a 400) when it is wrong."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if filter is None:
        return Q()
    return Walk(kind).expression(filter)


class ConditionResult(NamedTuple):
    condition: str
    actual: Any
    passed: bool


def _one(version):
    from registry.models import LinkedVersion

    return LinkedVersion.objects.filter(pk=version.pk)


def version_matches(version, filter: dict[str, Any] | None) -> bool:
    """Whether one linked version meets a versions filter, decided by the database."""
    return _one(version).filter(compile_filter("versions", filter)).exists()


def explain_version_conditions(version, filter: dict[str, Any]) -> list[ConditionResult]:
    """Each field condition of a versions filter, as written, with the version's actual
    value and whether the condition holds on its own (one small query per condition)."""
    walk = Walk("versions")
    walk.expression(filter)
    one = _one(version)
    return [
        ConditionResult(leaf.text, leaf.field.actual(one), one.filter(leaf.q).exists())
        for leaf in walk.leaves
    ]
