"""Registry SDK: log, link, alias and download artifacts (W&B-compatible surface).

import registry_sdk as wandb
run = wandb.init(entity="team", project="zoo")
art = wandb.Artifact("zoo_model", type="model")
art.add_file("model.pt")
run.link_artifact(art, "wandb-registry-Model/zoo", aliases=["staging"])
"""

from registry_sdk import run as run_module
from registry_sdk._version import __version__
from registry_sdk.api import Api, login
from registry_sdk.artifact import Artifact
from registry_sdk.collection import ArtifactCollection
from registry_sdk.errors import (
    AuthenticationError,
    ChecksumMismatch,
    CommError,
    Conflict,
    Error,
    NotFound,
    PermissionDenied,
    RegistryError,
    ServerError,
    UsageError,
    ValidationError,
)
from registry_sdk.registries import Registry
from registry_sdk.run import Run, init


def finish() -> None:
    """Finish the run started last by `init()` (W&B's `wandb.finish()`)."""
    if run_module.current_run is not None:
        run_module.current_run.finish()


__all__ = [
    "__version__",
    "Api",
    "Artifact",
    "ArtifactCollection",
    "AuthenticationError",
    "ChecksumMismatch",
    "CommError",
    "Conflict",
    "Error",
    "NotFound",
    "PermissionDenied",
    "Registry",
    "RegistryError",
    "Run",
    "ServerError",
    "UsageError",
    "ValidationError",
    "finish",
    "init",
    "login",
]
