"""Linked versions: link, resolve (with ETag), aliases, tags, unlink, use, file download."""

from __future__ import annotations

import json

from django.http import HttpResponse, StreamingHttpResponse
from ninja import Router, Status

from registry import permissions, selectors
from registry.api import auth, body_cache, lookups
from registry.api.schemas import (
    AliasIn,
    Error,
    LinkIn,
    TagsIn,
    UseIn,
    VersionOut,
    VersionSummary,
)
from registry.errors import NotFound
from registry.models import ArtifactFile, LinkedVersion
from registry.services import aliases, artifacts, linking, tags
from registry.storage import iter_blob

router = Router(tags=["versions"])
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error}
BASE = "/{registry}/collections/{collection}/versions"
FILE_NOT_FOUND = "v{index} of '{collection}' has no file '{path}'."


def _respond(response: HttpResponse, resolved: lookups.Resolved) -> dict:
    response["ETag"] = resolved.etag
    response["Cache-Control"] = "private, no-cache"
    return lookups.version_payload(lookups.load(resolved))


def _fresh(request, version: LinkedVersion) -> lookups.Resolved:
    """The version re-read after a change, for the response and its new ETag."""
    collection = version.collection
    return lookups.resolve(
        request.auth, collection.registry.name, collection.name, f"v{version.index}"
    )


def _version(request, registry: str, collection: str, ref: str) -> LinkedVersion:
    return lookups.load(lookups.resolve(request.auth, registry, collection, ref))


@router.get(BASE, response={200: list[VersionSummary], **ERRORS})
def list_versions(request, registry: str, collection: str):
    """Versions of a collection, newest first, with their alias chips and tags."""
    reg = permissions.get_registry_for_user(request.auth, registry)
    coll = selectors.get_collection(reg, collection)
    versions = list(selectors.versions_of(coll))
    latest = versions[0].index if versions else None
    protected = selectors.protected_names(reg)
    return [
        {
            "version": f"v{v.index}",
            "index": v.index,
            "aliases": [
                {"name": c.name, "kind": c.kind}
                for c in selectors.chips_for(v, latest=latest, protected=protected)
            ],
            "tags": [t.name for t in v.tags.all()],
            "linked_at": v.linked_at,
        }
        for v in versions
    ]


@router.post(BASE, response={200: VersionOut, 201: VersionOut, **ERRORS})
def link(request, response: HttpResponse, registry: str, collection: str, payload: LinkIn):
    """Link a source version with aliases; creates the collection if missing (all or nothing).

    Linking a source already linked there returns its version (200) and applies the aliases.
    """
    reg = permissions.get_registry_for_user(request.auth, registry)
    src = payload.source
    source = lookups.get_source_version(
        actor=request.auth,
        entity=src.entity,
        project=src.project,
        artifact=src.artifact,
        ref=src.version,
    )
    linked, created = linking.link_version(
        registry=reg,
        collection_name=collection.strip(),
        source=source,
        aliases=payload.aliases,
        actor=request.auth,
        description=payload.description,
    )
    linked.collection.registry = reg
    return Status((201 if created else 200), _respond(response, _fresh(request, linked)))


@router.get(
    BASE + "/{ref}", response={200: VersionOut, 304: None, **ERRORS}, auth=auth.AUTH_DEFERRED
)
def resolve(request, registry: str, collection: str, ref: str):
    """Resolve an alias, `vN` or `latest`. Send If-None-Match with the ETag to get a 304."""
    if isinstance(request.auth, auth.DeferredKey):
        user, resolved = lookups.resolve_with_key(request.auth.token, registry, collection, ref)
        if user is None:
            raise auth.refuse_bad_key(request)
        request.auth = user
    else:
        resolved = lookups.resolve(request.auth, registry, collection, ref)
    etag = resolved.etag
    if lookups.etag_matches(request.headers.get("If-None-Match"), etag):
        response = HttpResponse(status=304)
    else:
        body = body_cache.get(etag)
        if body is None:
            payload = VersionOut.model_validate(lookups.version_payload(lookups.load(resolved)))
            body = json.dumps(payload.model_dump(mode="json")).encode()
            body_cache.put(etag, body)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


@router.delete(BASE + "/{ref}", response={204: None, **ERRORS})
def unlink(request, registry: str, collection: str, ref: str):
    """Unlink a version; its vN is never reused. Admin if it holds a protected alias."""
    version = _version(request, registry, collection, ref)
    linking.unlink_version(version=version, actor=request.auth)
    return Status(204, None)


@router.post(BASE + "/{ref}/aliases", response={200: VersionOut, **ERRORS})
def add_alias(
    request, response: HttpResponse, registry: str, collection: str, ref: str, payload: AliasIn
):
    """Add an alias; if another version of the collection holds it, it moves here."""
    version = _version(request, registry, collection, ref)
    aliases.add_alias(version=version, name=payload.name, actor=request.auth)
    return _respond(response, _fresh(request, version))


@router.delete(BASE + "/{ref}/aliases/{name}", response={200: VersionOut, **ERRORS})
def remove_alias(
    request, response: HttpResponse, registry: str, collection: str, ref: str, name: str
):
    version = _version(request, registry, collection, ref)
    aliases.remove_alias(version=version, name=name, actor=request.auth)
    return _respond(response, _fresh(request, version))


@router.post(BASE + "/{ref}/tags", response={200: VersionOut, **ERRORS})
def add_tags(
    request, response: HttpResponse, registry: str, collection: str, ref: str, payload: TagsIn
):
    version = _version(request, registry, collection, ref)
    tags.add_version_tags(version=version, names=payload.names, actor=request.auth)
    return _respond(response, _fresh(request, version))


@router.delete(BASE + "/{ref}/tags/{tag}", response={200: VersionOut, **ERRORS})
def remove_tag(request, response: HttpResponse, registry: str, collection: str, ref: str, tag: str):
    version = _version(request, registry, collection, ref)
    tags.remove_version_tag(version=version, name=tag, actor=request.auth)
    return _respond(response, _fresh(request, version))


@router.post(BASE + "/{ref}/use", response={200: VersionOut, **ERRORS})
def use(request, response: HttpResponse, registry: str, collection: str, ref: str, payload: UseIn):
    """Record that a run uses this version (lineage); needs the Viewer role."""
    version = _version(request, registry, collection, ref)
    run = artifacts.get_run(
        entity=payload.entity, project=payload.project, run_id=payload.run_id, actor=request.auth
    )
    artifacts.record_use(linked=version, actor=request.auth, run=run)
    return _respond(response, _fresh(request, version))


@router.get(
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
def download_file(request, registry: str, collection: str, ref: str, path: str):
    """Stream one file of the version, with Content-Length and its sha256 as ETag."""
    version = _version(request, registry, collection, ref)
    permissions.check_can_download(request.auth, version.collection.registry)
    file = (
        ArtifactFile.objects.select_related("blob")
        .filter(version_id=version.source_id, path=path)
        .first()
    )
    if file is None:
        raise NotFound(
            FILE_NOT_FOUND.format(
                index=version.index, collection=version.collection.name, path=path
            )
        )
    etag = f'"{file.blob_id}"'
    if lookups.etag_matches(request.headers.get("If-None-Match"), etag):
        not_modified = HttpResponse(status=304)
        not_modified["ETag"] = etag
        return not_modified
    stream = StreamingHttpResponse(iter_blob(file.blob), content_type="application/octet-stream")
    stream["Content-Length"] = str(file.size)
    stream["ETag"] = etag
    filename = path.rsplit("/", 1)[-1].replace('"', "")
    stream["Content-Disposition"] = f'attachment; filename="{filename}"'
    return stream
