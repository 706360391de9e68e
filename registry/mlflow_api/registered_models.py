"""registered-models/get, /search, /create and /get-latest-versions."""

from __future__ import annotations

from registry.mlflow_api import reads, search_filter
from registry.mlflow_api.errors import MlflowError, invalid
from registry.mlflow_api.http import endpoint
from registry.mlflow_api.lookup import find_model, registered_models
from registry.mlflow_api.names import addressable, model_name, split_name
from registry.mlflow_api.paging import page, sort_key_for
from registry.mlflow_api.shapes import model_version
from registry.services import collections as collection_service

TAG_VALUES = (
    "Tag '{key}' has the value '{value}': tags here are names without values; send tags "
    "with an empty value."
)
MODEL_ORDER = {"name", "creation_timestamp", "last_updated_timestamp"}
MAX_MODELS = 1000


@endpoint("GET")
def get(request, user, params):
    collection = find_model(user, params.text("name"))
    return {"registered_model": registered_models([collection])[0]}


def _name_matches(clause, collection) -> bool:
    full = model_name(collection.registry.name, collection.name)
    if clause.op in ("LIKE", "ILIKE"):
        return search_filter.like_matches(clause.value, full, case=clause.op == "LIKE")
    try:
        wanted = tuple(part.lower() for part in split_name(clause.value))
    except MlflowError:  # a name that cannot map equals none of ours
        wanted = None
    same = wanted == (collection.registry.name.lower(), collection.name.lower())
    return same if clause.op == "=" else not same


def _tag_matches(clause, tag_names: set[str]) -> bool:
    present = clause.tag.lower() in tag_names and clause.value == ""
    return present if clause.op == "=" else not present


def matching_collections(user, clauses, *, with_tags: bool) -> list:
    """Visible, MLflow-addressable collections that pass the name (and tag) clauses."""
    found = []
    for collection in reads.visible_collections(user):
        if not addressable(collection.registry.name):
            continue
        tags = {t.name.lower() for t in collection.tags.all()}
        if all(
            _name_matches(c, collection)
            if c.field == "name"
            else (_tag_matches(c, tags) if with_tags else True)
            for c in clauses
            if c.field in ("name", "tag")
        ):
            found.append(collection)
    return found


@endpoint("GET")
def search(request, user, params):
    clauses = search_filter.parse(params.text("filter", required=False), versions=False)
    collections = matching_collections(user, clauses, with_tags=True)
    keys = sort_key_for(params.texts("order_by"), MODEL_ORDER, default="name")
    collections.sort(key=lambda c: c.pk)
    for field, descending in reversed(keys):
        collections.sort(key=_model_sort_value(field), reverse=descending)
    size = params.number("max_results", 100, low=1, high=MAX_MODELS)
    chunk, token = page(collections, params.text("page_token", required=False), size)
    body = {"registered_models": registered_models(chunk)}
    if token:
        body["next_page_token"] = token
    return body


def _model_sort_value(field: str):
    if field == "name":
        return lambda c: model_name(c.registry.name, c.name).lower()
    if field == "creation_timestamp":
        return lambda c: c.created_at
    return lambda c: c.updated_at


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
