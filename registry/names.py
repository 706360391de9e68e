"""Name rules shared by models, services, forms and the API. Messages are constants."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

ALIAS_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
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
    "an alias is 1-128 characters: letters, digits, '.', '_' and '-', starting with a "
    "letter or digit"
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


def split_list(raw: str) -> list[str]:
    """A comma-separated input ("a, b,") as its non-empty items.

    Aliases, tags and types cannot hold a comma, so one field can carry several.
    """
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def alias_problem(name: str) -> str | None:
    """Why `name` cannot be an alias, or None. Reserved names are checked separately."""
    if not name or len(name) > ALIAS_MAX or not ALIAS_RE.match(name):
        return f"'{name}' is not a valid alias: {ALIAS_RULE}."
    return None


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
