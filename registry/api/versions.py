"""Linked versions: link, resolve (with ETag), aliases, tags, unlink, use, file download.

Every route reads the version once (`selectors.versions.get_version_state`, or under the
collection lock inside the alias services) and answers from that read: the body and its
ETag come from the same `VersionState`.
"""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from ninja import Router, Status

from registry import body_cache, key_auth, permissions
from registry.api import auth
from registry.api.schemas import (
    ERRORS,
    AliasIn,
    AliasName,
    CollectionName,
    LinkIn,
    RegistryName,
    TagName,
    TagsIn,
    UseIn,
    VersionOut,
    VersionPatch,
    VersionRef,
    VersionSummary,
)
from registry.blob_response import blob_response
from registry.names import ignored_notice, reserved_among, split_list
from registry.selectors import at_time, sources
from registry.selectors import collections as collection_reads
from registry.selectors import resolve as resolving
from registry.selectors.files import version_file, version_files
from registry.selectors.versions import (
    VersionState,
    chips_of_row,
    find_version,
    get_version_state,
    protected_names,
    tags_of_row,
    versions_of,
)
from registry.services import aliases, artifacts, linking, tags

router = Router(tags=["versions"])
BASE = "/{registry}/collections/{collection}/versions"


def version_fields(state: VersionState) -> dict:
    """What every API answer about a version shows (resolve, writes, the query API)."""
    version = state.version
    collection = version.collection
    source = version.source
    return {
        "registry": collection.registry.name,
        "collection": collection.name,
        "type": collection.type,
        "version": f"v{version.index}",
        "index": version.index,
        "aliases": [{"name": c.name, "kind": str(c.kind)} for c in state.chips],
        "tags": list(state.tags),
        "description": version.description,
        "metadata": source.metadata,
        "digest": source.digest,
        "size": source.size,
        "source": {
            "entity": source.artifact.project.team.name,
            "project": source.artifact.project.name,
            "artifact": source.artifact.name,
            "version": f"v{source.index}",
        },
        "linked_at": version.linked_at,
        "linked_by": version.linked_by.get_username() if version.linked_by_id else None,
    }


def version_payload(state: VersionState) -> dict:
    """The version as the API shows it (the resolve response): its fields and files."""
    files = version_files(state.version)
    return {
        **version_fields(state),
        "files": [{"path": f.path, "sha256": f.blob_id, "size": f.size} for f in files],
    }


def _answer(response: HttpResponse, state: VersionState, given_aliases=()) -> dict:
    """A write's answer: the version as it is now, with its new ETag, and which of the
    aliases given were ignored (`latest`, `vN`)."""
    response["ETag"] = state.etag
    response["Cache-Control"] = "private, no-cache"
    ignored = reserved_among(given_aliases)
    return {**version_payload(state), "ignored_aliases": ignored, "notice": ignored_notice(ignored)}


def _state(request, registry: str, collection: str, ref: str) -> VersionState:
    return find_version(request.auth, registry, collection, ref)


@router.get(BASE, response={200: list[VersionSummary], **ERRORS})
def list_versions(request, registry: RegistryName, collection: CollectionName):
    """Versions of a collection, newest first, with their alias chips and tags."""
    reg = permissions.get_registry_for_user(request.auth, registry)
    coll = collection_reads.get_collection(reg, collection)
    versions = list(versions_of(coll))
    latest = versions[0].index if versions else None
    protected = protected_names(reg)
    return [
        {
            "version": f"v{v.index}",
            "index": v.index,
            "aliases": [
                {"name": c.name, "kind": str(c.kind)}
                for c in chips_of_row(v, latest=latest, protected=protected)
            ],
            "tags": tags_of_row(v),
            "linked_at": v.linked_at,
        }
        for v in versions
    ]


@router.post(BASE, response={200: VersionOut, 201: VersionOut, **ERRORS})
def link(
    request,
    response: HttpResponse,
    registry: RegistryName,
    collection: CollectionName,
    payload: LinkIn,
):
    """Link a source version with aliases; creates the collection if missing (all or nothing).

    Linking a source already linked there returns its version (200) and applies the aliases.
    """
    src = payload.source
    source = sources.get_source_version(
        actor=request.auth,
        entity=src.entity,
        project=src.project,
        artifact=src.artifact,
        ref=src.version,
    )
    linked, created = linking.link_version(
        registry=registry,
        collection_name=collection.strip(),
        source=source,
        aliases=payload.aliases,
        actor=request.auth,
        description=payload.description,
    )
    state = get_version_state(linked.collection, linked.index)
    return Status((201 if created else 200), _answer(response, state, payload.aliases))


@router.get(
    BASE + "/{ref}",
    response={200: VersionOut, 304: None, **ERRORS},
    auth=None,
    openapi_extra={"security": [{"ApiKeyAuth": []}, {"SessionAuth": []}]},
)
def resolve(
    request,
    registry: RegistryName,
    collection: CollectionName,
    ref: VersionRef,
    at: str | None = None,
):
    """Resolve an alias, `vN` or `latest`. Send If-None-Match with the ETag to get a 304.

    `at` (RFC 3339, e.g. `2026-11-03T14:00:00Z`) answers the version the reference named at
    that moment, from the alias and link history (shown as it is now); a 404 says what the
    history holds instead. Authenticates by itself: without `at`, a bearer key is checked
    in the same query that finds the version, so a poll costs one database round trip.
    """
    token = auth.bearer_token(request)
    if at is not None:
        moment = at_time.parse_at(at)
        user = auth.session_user(request) if token is None else key_auth.authenticate(token)
        if user is None:
            raise auth.refuse_bad_key(request)
        resolved = resolving.resolve_at(user, registry, collection, ref, moment)
    elif token is not None:
        user, resolved = resolving.resolve_with_key(token, registry, collection, ref)
        if user is None:
            raise auth.refuse_bad_key(request)
    else:
        user = auth.session_user(request)
        resolved = resolving.resolve(user, registry, collection, ref)
    request.auth = user
    response = get_conditional_response(request, etag=resolved.etag)
    if response is None:
        body = body_cache.get(resolved.etag)
        if body is None:
            payload = VersionOut.model_validate(version_payload(resolved.version_state()))
            body = json.dumps(payload.model_dump(mode="json")).encode()
            body_cache.put(resolved.etag, body)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = resolved.etag
    response["Cache-Control"] = "private, no-cache"
    return response


@router.delete(BASE + "/{ref}", response={204: None, **ERRORS})
def unlink(request, registry: RegistryName, collection: CollectionName, ref: VersionRef):
    """Unlink a version; its vN is never reused. Admin if it holds a protected alias."""
    state = _state(request, registry, collection, ref)
    linking.unlink_version(version=state.version, actor=request.auth)
    return Status(204, None)


@router.patch(BASE + "/{ref}", response={200: VersionOut, **ERRORS})
def update_version(
    request,
    response: HttpResponse,
    registry: RegistryName,
    collection: CollectionName,
    ref: VersionRef,
    payload: VersionPatch,
):
    """Change the linked version's description (Member role). Metadata and files belong to
    the immutable source version and cannot change."""
    state = _state(request, registry, collection, ref)
    version = tags.update_version_description(
        version=state.version, description=payload.description, actor=request.auth
    )
    return _answer(response, get_version_state(state.version.collection, version.index))


@router.post(BASE + "/{ref}/aliases", response={200: VersionOut, **ERRORS})
def add_alias(
    request,
    response: HttpResponse,
    registry: RegistryName,
    collection: CollectionName,
    ref: VersionRef,
    payload: AliasIn,
):
    """Add an alias (`name`: one, or several comma-separated; `names`: a list taken as
    given); one another version of the collection holds moves here. All or none.
    `latest` and `vN` are ignored and listed in `ignored_aliases`."""
    given = payload.names if payload.names is not None else split_list(payload.name or "")
    state = aliases.add_aliases_at(
        registry=registry,
        collection=collection,
        ref=ref,
        names=given,
        actor=request.auth,
        override_reason=payload.override_reason,
    )
    return _answer(response, state, given)


@router.delete(BASE + "/{ref}/aliases/{alias}", response={200: VersionOut, **ERRORS})
def remove_alias(
    request,
    response: HttpResponse,
    registry: RegistryName,
    collection: CollectionName,
    ref: VersionRef,
    alias: AliasName,
):
    state = aliases.remove_alias_at(
        registry=registry, collection=collection, ref=ref, name=alias, actor=request.auth
    )
    return _answer(response, state)


@router.post(BASE + "/{ref}/tags", response={200: VersionOut, **ERRORS})
def add_tags(
    request,
    response: HttpResponse,
    registry: RegistryName,
    collection: CollectionName,
    ref: VersionRef,
    payload: TagsIn,
):
    state = tags.add_version_tags_at(
        registry=registry, collection=collection, ref=ref, names=payload.names, actor=request.auth
    )
    return _answer(response, state)


@router.delete(BASE + "/{ref}/tags/{tag}", response={200: VersionOut, **ERRORS})
def remove_tag(
    request,
    response: HttpResponse,
    registry: RegistryName,
    collection: CollectionName,
    ref: VersionRef,
    tag: TagName,
):
    state = tags.remove_version_tag_at(
        registry=registry, collection=collection, ref=ref, name=tag, actor=request.auth
    )
    return _answer(response, state)


@router.post(BASE + "/{ref}/use", response={200: VersionOut, **ERRORS})
def use(
    request,
    response: HttpResponse,
    registry: RegistryName,
    collection: CollectionName,
    ref: VersionRef,
    payload: UseIn,
):
    """Record that a run uses this version (lineage); needs the Viewer role."""
    state = _state(request, registry, collection, ref)
    run = sources.get_run(
        entity=payload.entity, project=payload.project, run_id=payload.run_id, actor=request.auth
    )
    artifacts.record_use(linked=state.version, actor=request.auth, run=run)
    return _answer(response, state)


@router.api_operation(
    ["GET", "HEAD"],
    BASE + "/{ref}/files/{path:path}",
    response={200: None, 304: None, **ERRORS},
    openapi_extra={
        "responses": {
            # An int, like the keys of `response`: a "200" string would be merged in as a
            # second 200 entry, and Swagger UI refuses a schema with a duplicated key.
            200: {
                "description": "The file's bytes",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def download_file(
    request, registry: RegistryName, collection: CollectionName, ref: VersionRef, path: str
):
    """Stream one file of the version, with Content-Length and its sha256 as ETag."""
    state = _state(request, registry, collection, ref)
    permissions.check_can_download(request.auth, state.version.collection.registry)
    return blob_response(request, version_file(state.version, path))
