"""How MLflow's registered-model names and version numbers map onto ours.

Names: `REGISTRY.COLLECTION`, split at the first dot (collection names may hold dots, so
`Model.zoo.v2` is collection `zoo.v2` in registry `Model`). A name without a dot is a
collection of the default registry (`REGISTRY_MLFLOW_DEFAULT_REGISTRY`, `Model`). Every
name maps to exactly one registry and collection; registries whose own name holds a dot
cannot be named this way and are left out of MLflow searches. Answers always give the
full `REGISTRY.COLLECTION` form.

Versions: MLflow numbers versions from 1, we from v0, so MLflow version N is our
v(N-1): the first version linked is `1` to MLflow clients and `v0` everywhere else.
"""

from __future__ import annotations

import re

from django.conf import settings

from registry.mlflow_api.errors import invalid
from registry.names import NAME_RE, REGISTRY_NAME_RE

NAME_RULE = (
    "'{name}' cannot name a model here: MLflow names are REGISTRY.COLLECTION (split at the "
    "first dot; a name without a dot is a collection of registry '{default}'), where "
    "registry names are 1-113 and collection names 1-128 letters, digits, '.', '_' or '-'."
)
NAME_MISSING = "The request needs the registered model's name in 'name'."
VERSION_RULE = (
    "'{version}' is not an MLflow version number: versions are whole numbers from 1, and "
    "MLflow version N is our v(N-1)."
)
_DIGITS = re.compile(r"^[0-9]{1,9}$")


def default_registry() -> str:
    return settings.REGISTRY_MLFLOW_DEFAULT_REGISTRY


def split_name(name: str | None) -> tuple[str, str]:
    """(registry name, collection name) for an MLflow registered-model name."""
    name = (name or "").strip()
    if not name:
        raise invalid(NAME_MISSING)
    registry, dot, collection = name.partition(".")
    if not dot:
        registry, collection = default_registry(), name
    if not REGISTRY_NAME_RE.match(registry) or not NAME_RE.match(collection):
        raise invalid(NAME_RULE.format(name=name, default=default_registry()))
    return registry, collection


def model_name(registry_name: str, collection_name: str) -> str:
    return f"{registry_name}.{collection_name}"


def addressable(registry_name: str) -> bool:
    """Whether MLflow names can reach this registry (its name holds no dot)."""
    return "." not in registry_name


def to_index(version) -> int:
    """Our index for an MLflow version number (`"1"` is v0)."""
    text = str(version if version is not None else "").strip()
    if not _DIGITS.match(text) or int(text) < 1:
        raise invalid(VERSION_RULE.format(version=text))
    return int(text) - 1


def to_mlflow(index: int) -> str:
    return str(index + 1)
