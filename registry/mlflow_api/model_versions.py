"""model-versions/get, /search, /create and /get-download-uri."""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import F

from registry.mlflow_api import matching, search_filter
from registry.mlflow_api.artifacts import artifact_uri
from registry.mlflow_api.errors import invalid
from registry.mlflow_api.http import endpoint
from registry.mlflow_api.lookup import find_model, find_version, reload
from registry.mlflow_api.names import split_name
from registry.mlflow_api.paging import offset, sort_key_for
from registry.mlflow_api.registered_models import TAG_VALUES
from registry.mlflow_api.shapes import model_version
from registry.selectors import mlflow as reads
from registry.services.linking import link_version
from registry.services.tags import add_version_tags

SOURCE_RULE = (
    "'{source}' is not a source version here: give the artifact version to link as "
    "ENTITY/PROJECT/ARTIFACT:vN (or :latest), as logged with our SDK."
)
_SOURCE = re.compile(r"^(?P<entity>[^/:]+)/(?P<project>[^/:]+)/(?P<artifact>[^/:]+):(?P<ref>\w+)$")
VERSION_ORDER = {"name", "version_number", "creation_timestamp", "last_updated_timestamp"}
_ORDER_FIELDS = {
    "name": ["collection__registry__name", "collection__name"],
    "version_number": ["index"],
    "creation_timestamp": ["linked_at"],
    "last_updated_timestamp": ["linked_at"],
}
# MLflow's own defaults and limit for model-version searches.
DEFAULT_VERSIONS, MAX_VERSIONS = 10_000, 200_000


@endpoint("GET")
def get(request, user, params):
    collection = find_model(user, params.text("name"))
    return {"model_version": model_version(find_version(collection, params.text("version")))}


@endpoint("GET")
def download_uri(request, user, params):
    collection = find_model(user, params.text("name"))
    version = find_version(collection, params.text("version"))
    return {"artifact_uri": artifact_uri(version)}


@endpoint("GET")
def search(request, user, params):
    clauses = search_filter.parse(params.text("filter", required=False), versions=True)
    qs = matching.versions(user, clauses)
    keys = sort_key_for(params.texts("order_by"), VERSION_ORDER, default="name")
    if not params.texts("order_by"):
        keys = [("name", False), ("version_number", True)]
    ordering = [
        (F(field).desc() if descending else F(field).asc())
        for name, descending in keys
        for field in _ORDER_FIELDS[name]
    ]
    size = params.number("max_results", DEFAULT_VERSIONS, low=1, high=MAX_VERSIONS)
    start = offset(params.text("page_token", required=False))
    rows = list(qs.order_by(*ordering, "pk")[start : start + size + 1])
    body = {"model_versions": [model_version(v) for v in rows[:size]]}
    if len(rows) > size:
        body["next_page_token"] = str(start + size)
    return body


@endpoint("POST")
def create(request, user, params):
    registry_name, collection_name = split_name(params.text("name"))
    registry = reads.get_registry_for_user(user, registry_name)
    source_text = params.text("source").strip()
    match = _SOURCE.match(source_text)
    if match is None:
        raise invalid(SOURCE_RULE.format(source=source_text))
    tags = []
    for tag in params.list_of_dicts("tags"):
        key, value = str(tag.get("key", "")), str(tag.get("value", "") or "")
        if value:
            raise invalid(TAG_VALUES.format(key=key, value=value))
        tags.append(key)
    source = reads.get_source_version(
        actor=user,
        entity=match.group("entity"),
        project=match.group("project"),
        artifact=match.group("artifact"),
        ref=match.group("ref"),
    )
    with transaction.atomic():
        linked, _ = link_version(
            registry=registry,
            collection_name=collection_name,
            source=source,
            actor=user,
            description=params.text("description", required=False),
        )
        if tags:
            add_version_tags(version=linked, names=tags, actor=user)
    return {"model_version": model_version(reload(linked))}
