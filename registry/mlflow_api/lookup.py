"""Finding what an MLflow request names, with our visibility rules."""

from __future__ import annotations

from registry.errors import NotFound
from registry.mlflow_api import shapes
from registry.mlflow_api.errors import not_found
from registry.mlflow_api.names import model_name, split_name, to_index, to_mlflow
from registry.models import Collection, LinkedVersion
from registry.selectors import mlflow as reads

VERSION_NOT_FOUND = (
    "Model '{name}' has no version {version} (our v{index}); MLflow version N is our v(N-1)."
)


DOTTED_REGISTRY = (
    "'{name}' names collection '{collection}' of registry '{first}', which does not exist or "
    "you cannot see it: MLflow names split at the first dot, so registry '{dotted}' (a dot in "
    "its name) cannot be reached from MLflow clients; use our API or SDK for it."
)


def dotted_registry_hint(user, name: str, error: NotFound) -> NotFound:
    """A clearer NotFound when `name` was meant for a registry whose name holds a dot."""
    first, collection = split_name(name)
    parts = name.strip().split(".")
    prefixes = [".".join(parts[:n]) for n in range(2, len(parts))]
    if prefixes:
        dotted = reads.visible_registries(user).filter(name__in=prefixes).first()
        if dotted is not None:
            return NotFound(
                DOTTED_REGISTRY.format(
                    name=name.strip(), collection=collection, first=first, dotted=dotted.name
                )
            )
    return error


def find_model(user, name: str | None) -> Collection:
    """The collection an MLflow name maps to, if `user` may see it (else NotFound)."""
    registry_name, collection_name = split_name(name)
    try:
        registry = reads.get_registry_for_user(user, registry_name)
    except NotFound as error:
        raise dotted_registry_hint(user, name, error) from None
    collection = reads.get_collection(registry, collection_name)
    collection.registry = registry
    return collection


def find_version(collection: Collection, version) -> LinkedVersion:
    index = to_index(version)
    found = reads.version_rows([collection.pk]).filter(index=index).first()
    if found is None:
        raise not_found(
            VERSION_NOT_FOUND.format(
                name=model_name(collection.registry.name, collection.name),
                version=to_mlflow(index),
                index=index,
            )
        )
    return found


def reload(version: LinkedVersion) -> LinkedVersion:
    """`version` again with what the MLflow shape shows (after a write, or a bare lookup)."""
    return reads.version_by_pk(version.pk)


def registered_models(collections: list[Collection]) -> list[dict]:
    """The shapes of several collections in a fixed number of queries."""
    ids = [c.pk for c in collections]
    latest = reads.latest_by_collection(ids)
    aliases = reads.aliases_by_collection(ids)
    return [
        shapes.registered_model(c, latest=latest.get(c.pk), aliases=aliases.get(c.pk, []))
        for c in collections
    ]
