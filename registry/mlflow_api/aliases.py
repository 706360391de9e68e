"""registered-models/alias: set (add or move), delete and get, through our alias service."""

from __future__ import annotations

from registry.errors import Invalid
from registry.mlflow_api import reads, shapes
from registry.mlflow_api.errors import invalid, not_found
from registry.mlflow_api.http import endpoint
from registry.mlflow_api.lookup import find_model, find_version, reload
from registry.mlflow_api.names import model_name
from registry.names import RESERVED_ALIAS_RE, is_reserved_alias
from registry.services import aliases as alias_service

ALIAS_NOT_SET = "Model '{name}' has no alias '{alias}'."
VERSION_AS_ALIAS = (
    "'{alias}' names a version, not an alias; ask model-versions/get for MLflow version "
    "numbers (MLflow version N is our v(N-1))."
)


def set_alias(request, user, params):
    collection = find_model(user, params.text("name"))
    alias = params.text("alias")
    version = find_version(collection, params.text("version"))
    alias_service.add_alias(version=version, name=alias, actor=user)
    return {}


def delete_alias(request, user, params):
    collection = find_model(user, params.text("name"))
    alias = params.text("alias").strip()
    if is_reserved_alias(alias):
        raise Invalid(alias_service.RESERVED_ALIAS.format(name=alias))
    holder = reads.alias_holder(collection, alias)
    if holder is None:
        name = model_name(collection.registry.name, collection.name)
        raise not_found(ALIAS_NOT_SET.format(name=name, alias=alias))
    alias_service.remove_alias(version=holder, name=alias, actor=user)
    return {}


def get_by_alias(request, user, params):
    collection = find_model(user, params.text("name"))
    alias = params.text("alias").strip()
    if RESERVED_ALIAS_RE.match(alias) and alias.lower() != "latest":
        raise invalid(VERSION_AS_ALIAS.format(alias=alias))
    version = reads.resolve_version(collection, alias)
    return {"model_version": shapes.model_version(reload(version))}


@endpoint("GET", "POST", "DELETE")
def alias(request, user, params):
    handler = {"POST": set_alias, "DELETE": delete_alias, "GET": get_by_alias}[request.method]
    return handler(request, user, params)
