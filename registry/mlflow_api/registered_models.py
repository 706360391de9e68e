"""registered-models/get, /search, /create and /get-latest-versions."""

from __future__ import annotations

from django.db.models import F

from registry.mlflow_api import matching, search_filter
from registry.mlflow_api.errors import invalid
from registry.mlflow_api.http import endpoint
from registry.mlflow_api.lookup import find_model, registered_models
from registry.mlflow_api.names import split_name
from registry.mlflow_api.paging import offset, sort_key_for
from registry.mlflow_api.shapes import model_version
from registry.selectors import mlflow as reads
from registry.services import collections as collection_service

TAG_VALUES = (
    "Tag '{key}' has the value '{value}': tags here are names without values; send tags "
    "with an empty value."
)
MODEL_ORDER = {
    "name": "full_name",
    "creation_timestamp": "created_at",
    "last_updated_timestamp": "updated_at",
}
MAX_MODELS = 1000


@endpoint("GET")
def get(request, user, params):
    collection = find_model(user, params.text("name"))
    return {"registered_model": registered_models([collection])[0]}


@endpoint("GET")
def search(request, user, params):
    clauses = search_filter.parse(params.text("filter", required=False), versions=False)
    keys = sort_key_for(params.texts("order_by"), set(MODEL_ORDER), default="name")
    ordering = [
        F(MODEL_ORDER[field]).desc() if descending else F(MODEL_ORDER[field]).asc()
        for field, descending in keys
    ]
    size = params.number("max_results", 100, low=1, high=MAX_MODELS)
    start = offset(params.text("page_token", required=False))
    qs = matching.collections(user, clauses, with_tags=True).order_by(*ordering, "pk")
    rows = list(qs[start : start + size + 1])
    body = {"registered_models": registered_models(rows[:size])}
    if len(rows) > size:
        body["next_page_token"] = str(start + size)
    return body


@endpoint("POST")
def create(request, user, params):
    registry_name, collection_name = split_name(params.text("name"))
    registry = reads.get_registry_for_user(user, registry_name)
    tags = []
    for tag in params.list_of_dicts("tags"):
        key, value = str(tag.get("key", "")), str(tag.get("value", "") or "")
        if value:
            raise invalid(TAG_VALUES.format(key=key, value=value))
        tags.append(key)
    collection = collection_service.create_collection(
        registry=registry,
        name=collection_name,
        type_="model",
        actor=user,
        description=params.text("description", required=False),
        tags=tags,
    )
    collection.registry = registry
    return {"registered_model": registered_models([collection])[0]}


@endpoint("GET", "POST")
def get_latest_versions(request, user, params):
    """The latest version, as the stage "None" (our versions have no stages)."""
    collection = find_model(user, params.text("name"))
    stages = [s.lower() for s in params.texts("stages")]
    if stages and "none" not in stages:
        return {"model_versions": []}
    latest = reads.latest_by_collection([collection.pk]).get(collection.pk)
    return {"model_versions": [model_version(latest)] if latest else []}
