"""Name rules shared by models, services, forms and the API. Messages are constants."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

# W&B's rule: any character but '/' and ':' (which separate registry, collection and
# version in a path), here also no control character and no space at either end.
# Matched with fullmatch (`$` alone would let a trailing newline through); the same
# pattern is the OpenAPI schema's.
ALIAS_RE = re.compile(r"^(?!\s)[^/:\x00-\x1f\x7f-\x9f\ud800-\udfff]{1,128}(?<!\s)$")
ALIAS_MAX = 128
_VERSION_REF_RE = re.compile(r"^v([0-9]+)$", re.IGNORECASE)
# Version indexes are PositiveIntegerFields: a longer `vN` cannot name a version, and
# must not reach the database as an out-of-range integer.
INDEX_DIGITS_MAX = 9
NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
REGISTRY_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,113}$")
TAG_RE = re.compile(r"^[-\w]+( [-\w]+)*$")
TAG_MAX = 128
TYPE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")

ALIAS_RULE = (
    "an alias is 1-128 characters, any but '/', ':' and control characters, and does not "
    "start or end with a space"
)
RESERVED_IGNORED = (
    "Ignored {names}: 'latest' and 'vN' are assigned automatically, so they are never "
    "stored as aliases."
)
NAME_RULE = "names are 1-128 characters: letters, digits, '.', '_' and '-'"
REGISTRY_NAME_RULE = "registry names are 1-113 characters: letters, digits, '.', '_' and '-'"
TAG_RULE = (
    "a tag is 1-128 characters: words of letters, digits, '_' and '-', separated by single spaces"
)
TYPE_RULE = "artifact types are 1-64 characters: letters, digits, '.', '_' and '-'"


class RefKind(StrEnum):
    LATEST = "latest"
    INDEX = "index"
    ALIAS = "alias"


@dataclass(frozen=True)
class Ref:
    """What a version reference (`latest`, `v3`, `production`) names.

    `index` is None for a `vN` too long to be any version's index.
    """

    kind: RefKind
    index: int | None = None
    alias: str = ""


def parse_ref(ref: str) -> Ref:
    """The one reading of a version reference: `latest`, `vN` (any case), or an alias."""
    ref = (ref or "").strip()
    if ref.lower() == "latest":
        return Ref(RefKind.LATEST)
    if match := _VERSION_REF_RE.match(ref):
        digits = match.group(1)
        return Ref(RefKind.INDEX, int(digits) if len(digits) <= INDEX_DIGITS_MAX else None)
    return Ref(RefKind.ALIAS, alias=ref)


def is_reserved_alias(name: str) -> bool:
    """`latest` and `vN` are assigned by the system and cannot be aliases."""
    return parse_ref(name).kind != RefKind.ALIAS


def reserved_among(names) -> list[str]:
    """The names in `names` that are `latest` or `vN` (as given, each once): adding them
    as aliases is ignored, as W&B ignores them, and the answer says so."""
    if isinstance(names, str):
        names = [names]
    found: dict[str, str] = {}
    for name in names or []:
        if isinstance(name, str) and is_reserved_alias(name):
            found.setdefault(name.strip().lower(), name.strip())
    return list(found.values())


def ignored_notice(names: list[str]) -> str | None:
    """The sentence that says which reserved names were ignored, or None."""
    if not names:
        return None
    return RESERVED_IGNORED.format(names=", ".join(f"'{n}'" for n in names))


def split_list(raw: str) -> list[str]:
    """A comma-separated input ("a, b,") as its non-empty items.

    Aliases, tags and types cannot hold a comma, so one field can carry several.
    """
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def alias_problem(name: str) -> str | None:
    """Why `name` cannot be an alias, or None. Reserved names are checked separately."""
    if not isinstance(name, str) or not ALIAS_RE.fullmatch(name):
        return f"{_shown(name)} is not a valid alias: {ALIAS_RULE}."
    return None


def _shown(value) -> str:
    """A name quoted for a message, control characters escaped and long ones cut."""
    text = str(value)
    shown = text[:60] + ("..." if len(text) > 60 else "")
    if any(unicodedata.category(c) == "Cc" for c in shown):
        return repr(shown)
    return f"'{shown}'"


def name_problem(name: str, what: str) -> str | None:
    if not NAME_RE.match(name or ""):
        return f"'{name}' is not a valid {what} name: {NAME_RULE}."
    return None


def registry_name_problem(name: str) -> str | None:
    if not REGISTRY_NAME_RE.match(name or ""):
        return f"'{name}' is not a valid registry name: {REGISTRY_NAME_RULE}."
    return None


def tag_problem(tag: str) -> str | None:
    if not tag or len(tag) > TAG_MAX or not TAG_RE.match(tag):
        return f"'{tag}' is not a valid tag: {TAG_RULE}."
    return None


def type_problem(type_: str) -> str | None:
    if not TYPE_RE.match(type_ or ""):
        return f"'{type_}' is not a valid artifact type: {TYPE_RULE}."
    return None
