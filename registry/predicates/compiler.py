"""The walk over a MongoDB-like filter, shared by compiling and by explaining."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from registry.predicates.errors import FilterError
from registry.predicates.fields import COMPARISONS, NOTHING, DateField
from registry.predicates.kinds import field_for

LOGICAL = ("$and", "$or", "$nor", "$not")
FIELD_OPERATORS = (
    "$eq",
    "$ne",
    "$in",
    "$nin",
    "$gt",
    "$gte",
    "$lt",
    "$lte",
    "$regex",
    "$exists",
    "$not",
)
MAX_DEPTH = 10
MAX_CONDITIONS = 100
MAX_LIST = 100
MAX_PATTERN = 256


@dataclass(frozen=True)
class Leaf:
    """One field condition as written, its field, and its compiled SQL condition."""

    text: str
    field: Any
    q: Q


def _allowed(names) -> str:
    return ", ".join(names)


@dataclass
class Walk:
    kind: str
    leaves: list[Leaf] = field(default_factory=list)

    def expression(self, node: Any, depth: int = 0) -> Q:
        if depth > MAX_DEPTH:
            raise FilterError(f"A filter may nest at most {MAX_DEPTH} levels deep.")
        if not isinstance(node, dict):
            raise FilterError(
                'A filter is a JSON object of fields and operators, such as {"name": "x"} '
                f'or {{"$or": [...]}}; got {json.dumps(node, default=str)[:80]}.'
            )
        q = Q()
        for key, operand in node.items():
            if key in ("$and", "$or", "$nor"):
                q &= self._variadic(key, operand, depth)
            elif key == "$not":
                q &= ~self.expression(operand, depth + 1)
            elif isinstance(key, str) and key.startswith("$"):
                raise FilterError(
                    f"Unknown operator '{key}' at the top of a filter; allowed there: "
                    f"{_allowed(LOGICAL)}. Field operators go inside a field, as in "
                    '{"name": {"$regex": "^prod"}}.'
                )
            else:
                q &= self._field(key, operand, depth)
        return q

    def _variadic(self, op: str, operand: Any, depth: int) -> Q:
        if not isinstance(operand, list) or not operand:
            raise FilterError(f"'{op}' takes a non-empty list of filters.")
        parts = [self.expression(child, depth + 1) for child in operand]
        if op == "$and":
            q = Q()
            for part in parts:
                q &= part
            return q
        q = NOTHING
        for part in parts:
            q |= part
        return ~q if op == "$nor" else q

    def _field(self, name: str, operand: Any, depth: int) -> Q:
        if depth > MAX_DEPTH:
            raise FilterError(f"A filter may nest at most {MAX_DEPTH} levels deep.")
        spec = field_for(self.kind, name)
        if isinstance(operand, dict):
            if not operand:
                raise FilterError(f"'{name}' has an empty operator object.")
            q = Q()
            for op, value in operand.items():
                if op == "$not":
                    if not isinstance(value, dict):
                        raise FilterError(
                            f"'{name}': $not takes an object of operators, such as "
                            '{"$not": {"$regex": "^tmp"}}.'
                        )
                    q &= ~self._field(name, value, depth + 1)
                elif op in FIELD_OPERATORS:
                    q &= self._leaf(name, spec, op, value)
                else:
                    raise FilterError(
                        f"Unknown operator '{op}' on '{name}'; allowed: "
                        f"{_allowed(FIELD_OPERATORS)}."
                    )
            return q
        if isinstance(operand, list):
            raise FilterError(f"'{name}' compares with one value; to match any of several use $in.")
        return self._leaf(name, spec, "$eq", operand)

    def _leaf(self, name: str, spec, op: str, value: Any) -> Q:
        if len(self.leaves) >= MAX_CONDITIONS:
            raise FilterError(f"A filter may hold at most {MAX_CONDITIONS} conditions.")
        q = self._compile_leaf(name, spec, op, value)
        self.leaves.append(Leaf(f"{name} {op} {json.dumps(value, default=str)}", spec, q))
        return q

    def _compile_leaf(self, name: str, spec, op: str, value: Any) -> Q:
        if op in ("$eq", "$ne"):
            q = spec.lookup("exact", spec.operand(name, op, value))
            return ~q if op == "$ne" else q
        if op in ("$in", "$nin"):
            if not isinstance(value, list) or len(value) > MAX_LIST:
                raise FilterError(f"'{name}': {op} takes a list of at most {MAX_LIST} values.")
            q = spec.lookup("in", [spec.operand(name, op, v) for v in value]) if value else NOTHING
            return ~q if op == "$nin" else q
        if op in COMPARISONS:
            return spec.lookup(COMPARISONS[op], spec.operand(name, op, value))
        if op == "$regex":
            if isinstance(spec, DateField):
                raise FilterError(
                    f"'{name}' is a date: $regex applies to text; compare dates with "
                    "$gt, $gte, $lt, $lte."
                )
            return spec.regex(_pattern(name, value))
        if not isinstance(value, bool):
            raise FilterError(f"'{name}': $exists takes true or false.")
        return spec.exists(value)


def _pattern(name: str, value: Any) -> str:
    if not isinstance(value, str) or len(value) > MAX_PATTERN:
        raise FilterError(
            f"'{name}': $regex takes a regular expression of at most {MAX_PATTERN} characters."
        )
    try:
        re.compile(value)
    except re.error as e:
        raise FilterError(f"'{name}': $regex {value!r} is not a valid regular expression ({e}).")
    return value


def required(node: Any):
    """(field, operator, value) of the conditions every match must meet: the filter's own
    fields and those of its `$and` lists, all the way down (not those under `$or`, `$nor`
    or `$not`). Called on filters that compiled, so the shapes are known to be right."""
    if not isinstance(node, dict):
        return
    for key, operand in node.items():
        if key == "$and" and isinstance(operand, list):
            for child in operand:
                yield from required(child)
        elif isinstance(key, str) and not key.startswith("$"):
            if isinstance(operand, dict):
                for op, value in operand.items():
                    if op != "$not":
                        yield key, op, value
            else:
                yield key, "$eq", operand
