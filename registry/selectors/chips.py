"""Alias chips: how a version's aliases are shown (custom, protected, or derived)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models


class ChipKind(models.TextChoices):
    CUSTOM = "custom"
    PROTECTED = "protected"
    DEFAULT = "default"  # `latest` and `vN`, derived from the indexes


@dataclass(frozen=True)
class Chip:
    name: str
    kind: ChipKind


def alias_chip(name: str, protected: Iterable[str]) -> Chip:
    """A stored alias as a chip; `protected` holds the registry's protected names, lowercased."""
    return Chip(name, ChipKind.PROTECTED if name.lower() in protected else ChipKind.CUSTOM)


def chips_for(
    aliases: Iterable[str], *, index: int, latest: int | None, protected: Iterable[str]
) -> list[Chip]:
    """A version's chips: its aliases (by name), then `latest` if it is the newest, then `vN`."""
    chips = [alias_chip(name, protected) for name in sorted(aliases)]
    if latest is not None and index == latest:
        chips.append(Chip("latest", ChipKind.DEFAULT))
    chips.append(Chip(f"v{index}", ChipKind.DEFAULT))
    return chips
