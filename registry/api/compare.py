"""Comparing two versions of a collection (`base` → `head`): the compare page's facts."""

from __future__ import annotations

from ninja import Router

from registry.api.schemas import AUTH_ERRORS, CollectionName, CompareOut, Error, RegistryName
from registry.selectors.compare import MISSING, Comparison, NamesDiff, Side, compare_versions
from registry.selectors.versions import find_version

router = Router(tags=["versions"])


@router.get(
    "/{registry}/collections/{collection}/compare",
    response={200: CompareOut, 400: Error, **AUTH_ERRORS, 404: Error},
)
def compare(request, registry: RegistryName, collection: CollectionName, base: str, head: str):
    """What changes from `base` to `head` (each an alias, `vN` or `latest`): files by
    digest with sizes, metadata by dotted key with both values, tags, aliases, source run
    and lineage. Read from manifests; file contents are not compared here."""
    a = find_version(request.auth, registry, collection, base).version
    b = find_version(request.auth, registry, collection, head).version
    return comparison_payload(compare_versions(a, b))


def comparison_payload(result: Comparison) -> dict:
    return {
        "base": _side(result.a),
        "head": _side(result.b),
        "summary": result.summary.describe(),
        "file_counts": vars(result.file_counts),
        "files": [
            {
                "path": f.path,
                "change": str(f.change),
                "base": {"sha256": f.a_digest, "size": f.a_size} if f.a_digest else None,
                "head": {"sha256": f.b_digest, "size": f.b_size} if f.b_digest else None,
            }
            for f in result.files
        ],
        "metadata": [
            {
                "key": m.key,
                "change": str(m.change),
                **({} if m.a is MISSING else {"base": m.a}),
                **({} if m.b is MISSING else {"head": m.b}),
            }
            for m in result.metadata
        ],
        "tags": _names(result.tags),
        "aliases": _names(result.aliases),
        "inputs": _names(result.inputs),
        "source_run_changed": result.source_run_changed,
    }


def _side(side: Side) -> dict:
    version = side.version
    return {
        "version": f"v{version.index}",
        "index": version.index,
        "digest": version.source.digest,
        "source": side.source_ref,
        "run": side.run_ref,
        "inputs": list(side.inputs),
        "aliases": [{"name": c.name, "kind": str(c.kind)} for c in side.state.chips],
        "tags": list(side.state.tags),
    }


def _names(diff: NamesDiff) -> dict:
    return {"added": list(diff.added), "removed": list(diff.removed), "kept": list(diff.kept)}
