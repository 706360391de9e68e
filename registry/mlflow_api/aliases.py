"""registered-models/alias: set (add or move), delete and get, through our alias service."""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.utils.cache import get_conditional_response

from registry.errors import Invalid
from registry.mlflow_api import shapes
from registry.mlflow_api.errors import invalid, not_found
from registry.mlflow_api.http import authenticate, bad_token, bearer_token, endpoint
from registry.mlflow_api.lookup import find_model, find_version
from registry.mlflow_api.names import model_name, split_name
from registry.names import RefKind, is_reserved_alias, parse_ref
from registry.selectors import mlflow as reads
from registry.services import aliases as alias_service

ALIAS_NOT_SET = "Model '{name}' has no alias '{alias}'."
VERSION_AS_ALIAS = (
    "'{alias}' names a version, not an alias; ask model-versions/get for MLflow version "
    "numbers (MLflow version N is our v(N-1))."
)


def set_alias(request, user, params):
    collection = find_model(user, params.text("name"))
    alias = params.text("alias")
    # MLflow refuses `latest` and `vN` as alias names; W&B's clients get them ignored.
    if is_reserved_alias(alias):
        raise Invalid(alias_service.RESERVED_ALIAS.format(name=alias.strip()))
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


def get_by_alias(request, params):
    """The hot path serving jobs poll: the native resolve's one query and its ETag.

    The key, visibility and version come back in one round trip, and the body is kept by
    ETag (which changes with everything the body shows), so a repeated answer costs no
    further query.
    """
    token = bearer_token(request)
    registry_name, collection_name = split_name(params.text("name"))
    alias = params.text("alias").strip()
    if parse_ref(alias).kind == RefKind.INDEX:
        raise invalid(VERSION_AS_ALIAS.format(alias=alias))
    user, resolved = reads.resolve_with_key(token, registry_name, collection_name, alias)
    if user is None:
        raise bad_token()
    etag = resolved.etag
    response = get_conditional_response(request, etag=etag)
    if response is None:
        key = "mlflow-alias:" + etag
        body = reads.body_cache.get(key)
        if body is None:
            version = reads.version_by_pk(resolved.version_id)
            body = json.dumps({"model_version": shapes.model_version(version)}).encode()
            reads.body_cache.put(key, body)
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


@endpoint("GET", "POST", "DELETE", auth=False)
def alias(request, _, params):
    if request.method == "GET":
        return get_by_alias(request, params)
    change = set_alias if request.method == "POST" else delete_alias
    return change(request, authenticate(request), params)
