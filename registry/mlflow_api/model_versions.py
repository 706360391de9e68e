"""model-versions/get, /search, /create and /get-download-uri."""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import F

from registry.errors import NotFound
from registry.mlflow_api import reads, search_filter
from registry.mlflow_api.artifacts import artifact_uri
from registry.mlflow_api.errors import MlflowError, invalid
from registry.mlflow_api.http import endpoint
from registry.mlflow_api.lookup import find_model, find_version, reload
from registry.mlflow_api.names import split_name
from registry.mlflow_api.paging import offset, sort_key_for
from registry.mlflow_api.registered_models import TAG_VALUES, matching_collections
from registry.mlflow_api.shapes import VERSION_TAG, model_version
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
_NUMBER_LOOKUP = {"=": "", "<": "__lt", "<=": "__lte", ">": "__gt", ">=": "__gte"}
MAX_VERSIONS = 10000


@endpoint("GET")
def get(request, user, params):
    collection = find_model(user, params.text("name"))
    return {"model_version": model_version(find_version(collection, params.text("version")))}


@endpoint("GET")
def download_uri(request, user, params):
    collection = find_model(user, params.text("name"))
    version = find_version(collection, params.text("version"))
    return {"artifact_uri": artifact_uri(version)}


def _collections_for(user, clauses):
    exact = [c for c in clauses if c.field == "name" and c.op == "="]
    if len(exact) == 1 and len([c for c in clauses if c.field == "name"]) == 1:
        # The common case, `name = 'X'`: one lookup, not a scan of every collection.
        try:
            return [find_model(user, exact[0].value)]
        except (MlflowError, NotFound):  # an unknown or unmappable model has no versions
            return []
    return matching_collections(user, clauses, with_tags=False)


def _filter_versions(qs, clauses):
    for clause in clauses:
        if clause.field == "run_id":
            condition = {"source__created_run__run_id": clause.value}
            qs = qs.filter(**condition) if clause.op == "=" else qs.exclude(**condition)
        elif clause.field == "version_number":
            index = int(clause.value) - 1
            if clause.op == "!=":
                qs = qs.exclude(index=index)
            else:
                qs = qs.filter(**{"index" + _NUMBER_LOOKUP[clause.op]: index})
        elif clause.field == "tag":
            qs = _filter_tag(qs, clause)
    return qs


def _filter_tag(qs, clause):
    if clause.tag.lower() == VERSION_TAG:
        match = re.fullmatch(r"v(\d{1,9})", clause.value, re.IGNORECASE)
        index = int(match.group(1)) if match else -1
        return qs.filter(index=index) if clause.op == "=" else qs.exclude(index=index)
    if clause.value != "":
        # Our tags have no values: `= 'x'` matches nothing, `!= 'x'` everything.
        return qs.none() if clause.op == "=" else qs
    condition = {"tags__name__iexact": clause.tag}
    return qs.filter(**condition).distinct() if clause.op == "=" else qs.exclude(**condition)


@endpoint("GET")
def search(request, user, params):
    clauses = search_filter.parse(params.text("filter", required=False), versions=True)
    collections = _collections_for(user, clauses)
    ids = [c.pk for c in collections]
    qs = _filter_versions(reads.version_rows(ids), clauses)
    keys = sort_key_for(params.texts("order_by"), VERSION_ORDER, default="name")
    if not params.texts("order_by"):
        keys = [("name", False), ("version_number", True)]
    ordering = [
        (F(field).desc() if descending else F(field).asc())
        for name, descending in keys
        for field in _ORDER_FIELDS[name]
    ]
    size = params.number("max_results", MAX_VERSIONS, low=1, high=MAX_VERSIONS)
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
