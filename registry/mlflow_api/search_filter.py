"""The part of MLflow's search filter language the registry answers.

Clauses joined by AND:  name = | != | LIKE | ILIKE 'text';  tag.`key` = | != 'value'
(also `tags.key`);  for model versions also  run_id = | != 'id'  and
version_number = | != | < | <= | > | >= N.  Our tags are names without values, so
`tag.best = ''` finds what is tagged `best` and `tag.best != 'true'` everything.
Anything else is refused with a message that lists this grammar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from registry.mlflow_api.errors import invalid

GRAMMAR = (
    "filters here are clauses joined by AND: name = | != | LIKE | ILIKE 'text'; "
    "tag.`key` = | != 'value'{extra}"
)
VERSION_EXTRA = "; run_id = | != 'id'; version_number = | != | < | <= | > | >= N"
NOT_UNDERSTOOD = "Cannot use filter clause '{clause}': {grammar}."

_CLAUSE = re.compile(
    r"""^\s*(?P<key>name|run_id|version_number|tags?\.(?:`(?P<qtag>[^`]+)`|(?P<tag>[\w.\-]+)))
        \s*(?P<op>!=|<=|>=|=|<|>|\bI?LIKE\b)\s*
        (?P<value>'(?:[^']|'')*'|"(?:[^"]|"")*"|-?\d+)\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_AND = re.compile(r"\s+AND\s+", re.IGNORECASE)
_STRING_OPS = {"=", "!=", "LIKE", "ILIKE"}
_NUMBER_OPS = {"=", "!=", "<", "<=", ">", ">="}


@dataclass(frozen=True)
class Clause:
    field: str  # name | run_id | version_number | tag
    op: str
    value: str
    tag: str = ""


def _split(text: str) -> list[str]:
    """Split on AND outside quotes."""
    parts, start, quote = [], 0, None
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
        else:
            match = _AND.match(text, i)
            if match and (i == 0 or text[i].isspace()):
                parts.append(text[start:i])
                start = i = match.end()
                continue
        i += 1
    parts.append(text[start:])
    return parts


def parse(filter_string: str | None, *, versions: bool) -> list[Clause]:
    grammar = GRAMMAR.format(extra=VERSION_EXTRA if versions else "")
    clauses = []
    if not (filter_string or "").strip():
        return clauses
    for raw in _split(filter_string):
        match = _CLAUSE.match(raw)
        key = (match.group("key").lower() if match else "").split(".", 1)[0]
        if key in ("tag", "tags"):
            key = "tag"
        op = match.group("op").upper() if match else ""
        allowed = {
            "name": _STRING_OPS,
            "tag": {"=", "!="},
            "run_id": {"=", "!="} if versions else set(),
            "version_number": _NUMBER_OPS if versions else set(),
        }
        if match is None or op not in allowed.get(key, set()):
            raise invalid(NOT_UNDERSTOOD.format(clause=raw.strip(), grammar=grammar))
        value = match.group("value")
        if value[0] in "'\"":
            value = value[1:-1].replace(value[0] * 2, value[0])
        elif key != "version_number":
            raise invalid(NOT_UNDERSTOOD.format(clause=raw.strip(), grammar=grammar))
        tag = match.group("qtag") or match.group("tag") or ""
        clauses.append(Clause(field=key, op=op, value=value, tag=tag))
    return clauses
