"""Registries and collections: list, get, create; collection description and tags."""

from __future__ import annotations

from ninja import Router, Status

from registry import permissions
from registry.api.schemas import (
    CollectionIn,
    CollectionOut,
    CollectionPatch,
    Error,
    RegistryIn,
    RegistryOut,
    RegistryPatch,
    TagsIn,
)
from registry.models import Collection, Registry
from registry.selectors import collections as collection_reads
from registry.selectors.registries import visible_registries
from registry.services import collections as collection_services
from registry.services import registries as registry_services

router = Router(tags=["registries"])
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error}


def registry_out(registry: Registry, user) -> dict:
    return {
        "name": registry.name,
        "description": registry.description,
        "visibility": registry.visibility,
        "accepted_types": list(registry.accepted_types),
        "role": permissions.role_of(user, registry),
        "created_at": registry.created_at,
        "updated_at": registry.updated_at,
    }


def collection_out(collection: Collection) -> dict:
    count = getattr(collection, "version_count", None)
    if count is None:
        count = collection.versions.count()
    return {
        "registry": collection.registry.name,
        "name": collection.name,
        "type": collection.type,
        "description": collection.description,
        "tags": [t.name for t in collection.tags.all()],
        "version_count": count,
        "created_at": collection.created_at,
        "updated_at": collection.updated_at,
    }


@router.get("", response={200: list[RegistryOut], 401: Error})
def list_registries(request):
    """Registries the caller can see, with their role in each."""
    registries = list(visible_registries(request.auth))
    permissions.prefetch_roles(request.auth, registries)
    return [registry_out(r, request.auth) for r in registries]


@router.post("", response={201: RegistryOut, **ERRORS})
def create_registry(request, payload: RegistryIn):
    """Create a registry (organization admins only)."""
    registry = registry_services.create_registry(
        name=payload.name,
        actor=request.auth,
        description=payload.description,
        visibility=payload.visibility,
        accepted_types=payload.accepted_types,
    )
    return Status(201, registry_out(registry, request.auth))


@router.get("/{registry}", response={200: RegistryOut, **ERRORS})
def get_registry(request, registry: str):
    reg = permissions.get_registry_for_user(request.auth, registry)
    return registry_out(reg, request.auth)


@router.patch("/{registry}", response={200: RegistryOut, **ERRORS})
def update_registry(request, registry: str, payload: RegistryPatch):
    """Change the description, restrict visibility, or accept more types (registry admins)."""
    reg = registry_services.update_registry(
        registry=permissions.get_registry_for_user(request.auth, registry),
        actor=request.auth,
        description=payload.description,
        visibility=payload.visibility,
        accepted_types=payload.accepted_types,
    )
    return registry_out(reg, request.auth)


@router.get("/{registry}/collections", response={200: list[CollectionOut], **ERRORS})
def list_collections(request, registry: str):
    reg = permissions.get_registry_for_user(request.auth, registry)
    collections = collection_reads.collections_of(reg).select_related("registry")
    return [collection_out(c) for c in collections]


@router.post("/{registry}/collections", response={201: CollectionOut, **ERRORS})
def create_collection(request, registry: str, payload: CollectionIn):
    """Create an empty collection of one artifact type (Member role)."""
    reg = permissions.get_registry_for_user(request.auth, registry)
    collection = collection_services.create_collection(
        registry=reg,
        name=payload.name,
        type_=payload.type,
        actor=request.auth,
        description=payload.description,
        tags=payload.tags,
    )
    return Status(201, collection_out(collection))


def _collection(request, registry: str, collection: str) -> Collection:
    reg = permissions.get_registry_for_user(request.auth, registry)
    return collection_reads.get_collection(reg, collection)


@router.get("/{registry}/collections/{collection}", response={200: CollectionOut, **ERRORS})
def get_collection(request, registry: str, collection: str):
    return collection_out(_collection(request, registry, collection))


@router.patch("/{registry}/collections/{collection}", response={200: CollectionOut, **ERRORS})
def update_collection(request, registry: str, collection: str, payload: CollectionPatch):
    """Change the collection's description (Member role)."""
    coll = collection_services.update_collection_description(
        collection=_collection(request, registry, collection),
        description=payload.description,
        actor=request.auth,
    )
    return collection_out(coll)


@router.delete("/{registry}/collections/{collection}", response={204: None, **ERRORS})
def delete_collection(request, registry: str, collection: str):
    """Delete a collection and its links (Admin if it holds a protected alias)."""
    collection_services.delete_collection(
        collection=_collection(request, registry, collection), actor=request.auth
    )
    return Status(204, None)


@router.post("/{registry}/collections/{collection}/tags", response={200: CollectionOut, **ERRORS})
def add_collection_tags(request, registry: str, collection: str, payload: TagsIn):
    coll = _collection(request, registry, collection)
    collection_services.add_collection_tags(
        collection=coll, names=payload.names, actor=request.auth
    )
    return collection_out(coll)


@router.delete(
    "/{registry}/collections/{collection}/tags/{tag}", response={200: CollectionOut, **ERRORS}
)
def remove_collection_tag(request, registry: str, collection: str, tag: str):
    coll = _collection(request, registry, collection)
    collection_services.remove_collection_tag(collection=coll, name=tag, actor=request.auth)
    return collection_out(coll)
