"""Reads the API needs beyond registry.selectors: sources, and resolving with an ETag.

The resolve path is the one pipelines poll (`collection:production`), so its fingerprint
comes from one query: every fact the response shows either lives on the version row or
changes one of the counters annotated here (alias history, tags, protected aliases,
the collection's highest index).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection

from registry import permissions, selectors
from registry.errors import NotFound
from registry.models import (
    Alias,
    AliasEvent,
    ArtifactVersion,
    Collection,
    LinkedVersion,
    ProtectedAlias,
    Registry,
    TeamMembership,
    VersionTag,
)
from registry.services import api_keys

_VN = re.compile(r"^v(\d{1,9})$", re.IGNORECASE)
SOURCE_NOT_FOUND = (
    "Artifact version '{entity}/{project}/{artifact}:{version}' does not exist or you are "
    "not a member of entity '{entity}'."
)


def get_source_version(*, actor, entity: str, project: str, artifact: str, ref: str):
    """A committed source version the actor may link (a member of its entity)."""
    qs = ArtifactVersion.objects.select_related("artifact__project__team").filter(
        artifact__project__team__name__iexact=entity,
        artifact__project__name__iexact=project,
        artifact__name=artifact,
    )
    ref = (ref or "").strip()
    version = None
    if ref.lower() == "latest":
        version = qs.order_by("-index").first()
    elif match := _VN.match(ref):
        version = qs.filter(index=int(match.group(1))).first()
    if version is not None and not actor.is_superuser:
        team = version.artifact.project.team
        if not TeamMembership.objects.filter(team=team, user=actor).exists():
            version = None
    if version is None:
        raise NotFound(
            SOURCE_NOT_FOUND.format(entity=entity, project=project, artifact=artifact, version=ref)
        )
    return version


_REGISTRY_FIELDS = {"id", "name", "description", "visibility", "is_core", "created_by_id"}


@dataclass
class Resolved:
    """A version found by `resolve`: its registry, and what its ETag is computed from."""

    registry: Registry
    version_id: int
    index: int
    max_index: int
    fingerprint: tuple

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(repr(self.fingerprint).encode()).hexdigest()[:32] + '"'


def _resolve_sql(ref_kind: str) -> str:
    t = {
        m.__name__: m._meta.db_table
        for m in (Registry, LinkedVersion, Alias, AliasEvent, VersionTag, ProtectedAlias)
    }
    t["Collection"] = Collection._meta.db_table
    qn = connection.ops.quote_name
    user_table = get_user_model()._meta.db_table
    registry_columns = ", ".join(f"r.{qn(f)}" for f in _registry_fields())
    alias_join = (
        f"JOIN {t['Alias']} a ON a.version_id = lv.id AND lower(a.name) = lower(%s)"
        if ref_kind == "alias"
        else ""
    )
    where_index = "AND lv.{index} = %s".format(index=qn("index")) if ref_kind == "vn" else ""
    return f"""
        SELECT lv.id, lv.{qn("index")}, lv.description, c.name, c.type,
          (SELECT MAX(l2.{qn("index")}) FROM {t["LinkedVersion"]} l2
             WHERE l2.collection_id = c.id),
          (SELECT MAX(e.id) FROM {t["AliasEvent"]} e WHERE e.collection_id = c.id),
          (SELECT COALESCE(SUM(vt.id), 0) FROM {t["VersionTag"]} vt WHERE vt.version_id = lv.id),
          (SELECT COUNT(*) FROM {t["VersionTag"]} vt WHERE vt.version_id = lv.id),
          (SELECT COALESCE(SUM(p.id), 0) FROM {t["ProtectedAlias"]} p
             WHERE p.registry_id = r.id),
          (SELECT COUNT(*) FROM {t["ProtectedAlias"]} p WHERE p.registry_id = r.id),
          (SELECT u.{qn("username")} FROM {user_table} u WHERE u.id = lv.linked_by_id),
          lv.source_id, lv.linked_at,
          {registry_columns}
        FROM {t["Registry"]} r
        JOIN {t["Collection"]} c ON c.registry_id = r.id
        JOIN {t["LinkedVersion"]} lv ON lv.collection_id = c.id
        {alias_join}
        WHERE lower(r.name) = lower(%s) AND lower(c.name) = lower(%s) {where_index}
        ORDER BY lv.{qn("index")} DESC
        LIMIT 1
    """


def _registry_fields() -> list[str]:
    # In the model's field order: Model.from_db maps values onto concrete fields in order.
    return [f.attname for f in Registry._meta.concrete_fields if f.attname in _REGISTRY_FIELDS]


_SQL_CACHE: dict[tuple[str, str], str] = {}


def _resolve_query(registry_name: str, collection_name: str, ref: str):
    """(sql, params) finding `ref` in registry/collection, or None when no row can match."""
    ref = (ref or "").strip()
    if ref.lower() == "latest":
        kind, extra = "latest", []
    elif match := _VN.match(ref):
        kind, extra = "vn", [int(match.group(1))]
    elif ref and len(ref) <= 128:
        kind, extra = "alias", [ref]
    else:
        return None
    if len(registry_name) > 113 or len(collection_name) > 128:
        return None
    key = (connection.vendor, kind)
    if key not in _SQL_CACHE:
        _SQL_CACHE[key] = _resolve_sql(kind)
    params = [*extra] if kind == "alias" else []
    params += [registry_name, collection_name]
    params += extra if kind == "vn" else []
    return _SQL_CACHE[key], params


def resolve(user, registry_name: str, collection_name: str, ref: str) -> Resolved:
    """Find `ref` (alias, vN or latest) in registry/collection, checking visibility.

    The path pipelines poll, so the answer and its fingerprint come from one hand-written
    query (the ORM's own cost is larger than the query's). Every fact the resolve response
    shows either lives on the rows read here or changes a counter read here: the alias
    history (append-only), the version's tags, the registry's protected aliases and the
    collection's highest index; source files and metadata are immutable. So the ETag
    determines the body, which lets `versions.resolve` reuse a rendered body by ETag.
    Any miss takes the ORM path for a precise 404.
    """
    row = None
    if query := _resolve_query(registry_name, collection_name, ref):
        with connection.cursor() as cursor:
            cursor.execute(*query)
            row = cursor.fetchone()
    return _resolved(user, row, registry_name, collection_name, ref)


def resolve_with_key(raw_key: str, registry_name: str, collection_name: str, ref: str):
    """`resolve` for a bearer key, checking the key in the same round trip.

    Returns (user, Resolved), or (None, None) when the key is not valid. A pipeline
    polling `:production` costs one query instead of two; visibility is checked on the
    user that query returns, exactly as `resolve` does.
    """
    query = _resolve_query(registry_name, collection_name, ref)
    user, row = api_keys.authenticate_joined(raw_key, query)
    if user is None:
        return None, None
    found = row if row and row[0] is not None else None
    return user, _resolved(user, found, registry_name, collection_name, ref)


def _resolved(user, row, registry_name: str, collection_name: str, ref: str) -> Resolved:
    if row is None:
        registry = permissions.get_registry_for_user(user, registry_name)
        collection = selectors.get_collection(registry, collection_name)
        raise NotFound(
            selectors.VERSION_NOT_FOUND.format(ref=(ref or "").strip(), collection=collection.name)
        )
    registry = Registry.from_db(connection.alias, _registry_fields(), list(row[14:]))
    permissions.check_can_view(user, registry)
    version_id, index, description, coll_name, coll_type, max_index = row[:6]
    fingerprint = (
        version_id,
        index,
        max_index,
        row[6] or 0,
        row[7],
        row[8],
        row[9],
        row[10],
        row[11],
        row[12],
        str(row[13]),
        description,
        coll_name,
        coll_type,
        registry.name,
    )
    return Resolved(registry, version_id, index, max_index, fingerprint)


def load(resolved: Resolved) -> LinkedVersion:
    """The resolved version as a model, with its collection and registry attached."""
    version = LinkedVersion.objects.select_related("collection", "linked_by").get(
        pk=resolved.version_id
    )
    version.collection.registry = resolved.registry
    version.max_index = resolved.max_index
    return version


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = [c.strip() for c in if_none_match.split(",")]
    return "*" in candidates or any(c.removeprefix("W/") == etag for c in candidates)


def version_payload(version: LinkedVersion) -> dict:
    """The full resolve response for a version loaded by `load`."""
    collection = version.collection
    registry = collection.registry
    source = (
        ArtifactVersion.objects.select_related("artifact__project__team")
        .prefetch_related("files")
        .get(pk=version.source_id)
    )
    chips = selectors.chips_for(
        version, latest=version.max_index, protected=selectors.protected_names(registry)
    )
    return {
        "registry": registry.name,
        "collection": collection.name,
        "type": collection.type,
        "version": f"v{version.index}",
        "index": version.index,
        "aliases": [{"name": c.name, "kind": c.kind} for c in chips],
        "tags": list(version.tags.order_by("name").values_list("name", flat=True)),
        "description": version.description,
        "metadata": source.metadata,
        "digest": source.digest,
        "size": source.size,
        "files": [
            {"path": f.path, "sha256": f.blob_id, "size": f.size} for f in source.files.all()
        ],
        "source": {
            "entity": source.artifact.project.team.name,
            "project": source.artifact.project.name,
            "artifact": source.artifact.name,
            "version": f"v{source.index}",
        },
        "linked_at": version.linked_at,
        "linked_by": version.linked_by.get_username() if version.linked_by_id else None,
    }
