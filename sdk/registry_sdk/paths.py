"""Artifact paths as W&B writes them: [org/]wandb-registry-<registry>/<collection>[:alias]."""

from __future__ import annotations

from dataclasses import dataclass

from registry_sdk.errors import UsageError

REGISTRY_PREFIX = "wandb-registry-"
PATH_HELP = (
    "use 'wandb-registry-<registry>/<collection>[:alias]' (optionally prefixed by an "
    "organization, 'org/wandb-registry-<registry>/<collection>'), or '<registry>/<collection>'"
)


@dataclass(frozen=True)
class RegistryPath:
    registry: str
    collection: str
    ref: str | None = None

    def __str__(self) -> str:
        base = f"{REGISTRY_PREFIX}{self.registry}/{self.collection}"
        return f"{base}:{self.ref}" if self.ref else base


def parse(path: str, *, allow_ref: bool = True) -> RegistryPath:
    text = (path or "").strip()
    ref = None
    if ":" in text:
        text, ref = text.rsplit(":", 1)
        if not allow_ref:
            raise UsageError(
                f"'{path}' names a version; a target path has no ':alias' ({PATH_HELP})."
            )
        if not ref:
            raise UsageError(f"'{path}' has an empty alias after ':' ({PATH_HELP}).")
    parts = text.split("/")
    if len(parts) == 3:
        parts = parts[1:]  # organization prefix: one organization per server
    if len(parts) != 2 or not all(parts):
        raise UsageError(f"'{path}' is not an artifact path: {PATH_HELP}.")
    registry, collection = parts
    if registry.startswith(REGISTRY_PREFIX):
        registry = registry[len(REGISTRY_PREFIX) :]
    if not registry:
        raise UsageError(f"'{path}' names no registry: {PATH_HELP}.")
    return RegistryPath(registry, collection, ref)
