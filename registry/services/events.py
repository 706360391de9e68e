"""Domain events raised by the services inside their transaction.

`emit` runs inside the service's transaction, so whatever it writes (the automation
outbox) commits or rolls back with the change itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LINK_ARTIFACT = "LINK_ARTIFACT"
UNLINK_ARTIFACT = "UNLINK_ARTIFACT"
ADD_ARTIFACT_ALIAS = "ADD_ARTIFACT_ALIAS"
REMOVE_ARTIFACT_ALIAS = "REMOVE_ARTIFACT_ALIAS"
EVENT_TYPES = [LINK_ARTIFACT, ADD_ARTIFACT_ALIAS, REMOVE_ARTIFACT_ALIAS, UNLINK_ARTIFACT]


@dataclass(frozen=True)
class RegistryEvent:
    type: str
    collection: object  # registry.models.Collection
    version: object  # registry.models.LinkedVersion (may be deleted right after, on unlink)
    actor: object
    alias: str | None = None
    previous_index: int | None = None
    extra: dict = field(default_factory=dict)


def emit(event: RegistryEvent) -> None:
    from registry.services import automations

    automations.on_event(event)
