"""Automations: turn registry events into outbox deliveries (see issue 6)."""

from __future__ import annotations


def on_event(event) -> None:
    """Called inside the change's transaction for every registry event.

    Writes one outbox delivery per matching, enabled automation. Until automations exist
    there is nothing to match.
    """
    return None
