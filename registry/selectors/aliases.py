"""Alias history and the names offered when adding an alias."""

from __future__ import annotations

from dataclasses import dataclass

from registry.models import Alias, AliasEvent, Collection, Registry
from registry.selectors.chips import Chip, ChipKind, alias_chip

HISTORY_LIMIT = 50
SUGGESTION_LIMIT = 200


@dataclass(frozen=True)
class HistoryEntry:
    event: AliasEvent
    chip: Chip
    move_back_to: int | None = None  # index of the version the alias can go back to


def alias_history(collection: Collection, protected: frozenset[str]) -> list[HistoryEntry]:
    """Recent alias events, newest first; the newest move of an alias offers a move back."""
    events = (
        AliasEvent.objects.filter(collection=collection)
        .select_related("actor")
        .order_by("-id")[:HISTORY_LIMIT]
    )
    entries, seen = [], set()
    for event in events:
        key = event.alias.lower()
        move_back_to = None
        if key not in seen and event.action == AliasEvent.Action.MOVE and event.from_version_id:
            move_back_to = event.from_index
        seen.add(key)
        entries.append(HistoryEntry(event, alias_chip(event.alias, protected), move_back_to))
    return entries


def alias_suggestions(
    registry: Registry,
    *,
    protected_names: list[str],
    held: set[str],
    may_add_protected: bool,
) -> list[Chip]:
    """Names offered by the Add alias input, in one query.

    The registry's protected aliases (only to those who may add them; the caller already
    has the names), then aliases in use in the registry; none the version holds (`held`,
    lowercased) and none twice.
    """
    protected = {name.lower() for name in protected_names}
    seen, chips = set(held), []
    if may_add_protected:
        for name in sorted(protected_names):
            if name.lower() not in seen:
                seen.add(name.lower())
                chips.append(Chip(name, ChipKind.PROTECTED))
    in_use = (
        Alias.objects.filter(collection__registry=registry)
        .values_list("name", flat=True)
        .distinct()
        .order_by("name")[:SUGGESTION_LIMIT]
    )
    for name in in_use:
        if name.lower() not in seen and name.lower() not in protected:
            seen.add(name.lower())
            chips.append(Chip(name, ChipKind.CUSTOM))
    return chips
