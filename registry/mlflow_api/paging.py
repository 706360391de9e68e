"""Paging and ordering for the MLflow search routes."""

from __future__ import annotations

import re

from registry.mlflow_api.errors import invalid

BAD_TOKEN = "'{token}' is not a page token from a previous answer of this search."
BAD_ORDER = "Cannot order by '{clause}': order by one of {allowed}, optionally with ASC or DESC."
_ORDER = re.compile(r"^\s*(?P<field>[a-z_]+)\s*(?P<dir>ASC|DESC)?\s*$", re.IGNORECASE)


def offset(token: str) -> int:
    """Where a page starts; tokens are offsets into the ordered results."""
    token = (token or "").strip()
    if token and not token.isdigit():
        raise invalid(BAD_TOKEN.format(token=token))
    return int(token or 0)


def sort_key_for(order_by: list[str], allowed: set[str], *, default: str) -> list[tuple[str, bool]]:
    """[(field, descending), ...] from MLflow's order_by clauses."""
    keys = []
    for clause in order_by or []:
        match = _ORDER.match(clause or "")
        if match is None or match.group("field").lower() not in allowed:
            raise invalid(BAD_ORDER.format(clause=clause, allowed=", ".join(sorted(allowed))))
        keys.append((match.group("field").lower(), (match.group("dir") or "").upper() == "DESC"))
    return keys or [(default, False)]
