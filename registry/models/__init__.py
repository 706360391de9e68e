"""Data and the constraints SQL can hold. Every write goes through registry.services."""

from registry.models.accounts import ApiKey, Team, TeamMembership
from registry.models.aliases import Alias, AliasEvent, ProtectedAlias
from registry.models.artifacts import (
    Artifact,
    ArtifactFile,
    ArtifactVersion,
    Blob,
    Project,
    Run,
    RunArtifact,
)
from registry.models.automations import (
    Automation,
    Delivery,
    DeliveryAttempt,
    EventType,
    SlackDestination,
    WebhookEndpoint,
)
from registry.models.history import LinkRecord
from registry.models.promotions import PromotionApproval, PromotionRequest, PromotionStatus
from registry.models.registries import (
    Collection,
    CollectionTag,
    LinkedVersion,
    Registry,
    VersionTag,
)
from registry.models.throttle import FailureCount

__all__ = [
    "Alias",
    "AliasEvent",
    "ApiKey",
    "Artifact",
    "Automation",
    "ArtifactFile",
    "ArtifactVersion",
    "Blob",
    "Collection",
    "CollectionTag",
    "Delivery",
    "EventType",
    "DeliveryAttempt",
    "FailureCount",
    "LinkRecord",
    "LinkedVersion",
    "Project",
    "PromotionApproval",
    "PromotionRequest",
    "PromotionStatus",
    "ProtectedAlias",
    "Registry",
    "Run",
    "RunArtifact",
    "SlackDestination",
    "Team",
    "TeamMembership",
    "VersionTag",
    "WebhookEndpoint",
]
