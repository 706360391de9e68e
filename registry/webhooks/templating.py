"""JSON payload templates with `${variable}` placeholders (W&B-compatible names).

A placeholder inside a JSON string is replaced by the value's text, escaped for JSON, so
a quote or backslash in a value (a metadata field, say) cannot break the document. A
placeholder outside a string becomes the value as JSON (`${artifact_metadata.accuracy}`
gives a number, an object stays an object).
"""

from __future__ import annotations

import json
import re

from registry.errors import Invalid

VARIABLES = [
    "event_type",
    "event_author",
    "alias",
    "artifact_version",
    "artifact_version_string",
    "artifact_collection_name",
    "project_name",
    "entity_name",
    "previous_version",
    "registry_name",
    # Promotion events only (empty for the others): the request page and what it says.
    "promotion_url",
    "promotion_reason",
    "promotion_comment",
]
METADATA_PREFIX = "artifact_metadata."
PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
MAX_TEMPLATE = 20_000

DEFAULT_TEMPLATE = "{\n" + ",\n".join(f'  "{name}": "${{{name}}}"' for name in VARIABLES) + "\n}"

UNKNOWN_VARIABLES = "Unknown template variable{s}: {names}. Allowed: {allowed}."
NOT_JSON = (
    "The payload template is not valid JSON once variables are substituted: {error} "
    "(line {line}, column {column})."
)
TOO_LONG = "The payload template is {size} characters long; the limit is {limit}."

SAMPLE_VALUES = {
    "event_type": "ADD_ARTIFACT_ALIAS",
    "event_author": "alice",
    "alias": "staging",
    "artifact_version": "v3",
    "artifact_version_string": "wandb-registry-Model/zoo:v3",
    "artifact_collection_name": "zoo",
    "project_name": "proj",
    "entity_name": "team",
    "previous_version": "v2",
    "registry_name": "Model",
    "promotion_url": "",
    "promotion_reason": "",
    "promotion_comment": "",
    "artifact_metadata": {"accuracy": 0.93, "framework": "torch"},
}


def _allowed() -> str:
    return ", ".join(f"${{{n}}}" for n in VARIABLES) + f", ${{{METADATA_PREFIX}KEY}}"


def unknown_variables(template: str) -> list[str]:
    names = []
    for name in PLACEHOLDER.findall(template):
        known = name in VARIABLES or (name.startswith(METADATA_PREFIX) and len(name) > 17)
        if not known and name not in names:
            names.append(name)
    return names


def _lookup(name: str, values: dict):
    if name.startswith(METADATA_PREFIX):
        return (values.get("artifact_metadata") or {}).get(name[len(METADATA_PREFIX) :])
    return values.get(name)


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def render(template: str, values: dict) -> str:
    """Substitute placeholders; callers validate first (unknown names render as null)."""
    out: list[str] = []
    i, n, in_string = 0, len(template), False
    while i < n:
        char = template[i]
        if char == "$" and template.startswith("${", i):
            end = template.find("}", i + 2)
            if end != -1:
                value = _lookup(template[i + 2 : end], values)
                if in_string:
                    out.append(json.dumps(_as_text(value), ensure_ascii=False)[1:-1])
                else:
                    out.append(json.dumps(value, ensure_ascii=False))
                i = end + 1
                continue
        if in_string and char == "\\":
            out.append(template[i : i + 2])
            i += 2
            continue
        if char == '"':
            in_string = not in_string
        out.append(char)
        i += 1
    return "".join(out)


def validate(template: str) -> str:
    """The template, stripped; raises Invalid naming unknown variables or the JSON error."""
    template = (template or "").strip() or DEFAULT_TEMPLATE
    if len(template) > MAX_TEMPLATE:
        raise Invalid(TOO_LONG.format(size=len(template), limit=MAX_TEMPLATE))
    unknown = unknown_variables(template)
    if unknown:
        raise Invalid(
            UNKNOWN_VARIABLES.format(
                s="s" if len(unknown) > 1 else "",
                names=", ".join(f"${{{n}}}" for n in unknown),
                allowed=_allowed(),
            )
        )
    try:
        json.loads(render(template, SAMPLE_VALUES))
    except json.JSONDecodeError as exc:
        raise Invalid(NOT_JSON.format(error=exc.msg, line=exc.lineno, column=exc.colno))
    return template


def render_payload(template: str, values: dict):
    """The payload as a JSON value, ready to store in the outbox."""
    return json.loads(render(template or DEFAULT_TEMPLATE, values))
