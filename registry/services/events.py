"""What the services tell automations about a change, inside the change's transaction."""

from __future__ import annotations

from dataclasses import dataclass, field

from registry.models import Collection, EventType, LinkedVersion


@dataclass(frozen=True)
class RegistryEvent:
    type: EventType
    collection: Collection
    version: LinkedVersion  # may be deleted right after, on unlink
    actor: object
    alias: str | None = None
    previous_index: int | None = None
    extra: dict = field(default_factory=dict)
