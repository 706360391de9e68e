"""mlflow-artifacts downloads: what `mlflow.artifacts.download_artifacts("models:/…")` fetches.

`model-versions/get-download-uri` answers `mlflow-artifacts:/registries/REGISTRY/COLLECTION/vN`;
MLflow's client turns that into `<tracking URI>/api/2.0/mlflow-artifacts/artifacts/...`,
lists it (`?path=`) and downloads each file. A linked vN is never reused, so the URI
always means the same files. Both listing and download need the Viewer role, like every
other download.
"""

from __future__ import annotations

import mimetypes
import posixpath

from django.http import JsonResponse, StreamingHttpResponse

from registry import permissions
from registry.mlflow_api.errors import invalid, not_found
from registry.mlflow_api.http import endpoint
from registry.models import LinkedVersion
from registry.selectors import mlflow as reads
from registry.storage import iter_blob

PREFIX = "registries"
PATH_RULE = (
    "'{path}' is not an artifact path here: paths are registries/REGISTRY/COLLECTION/vN[/FILE], "
    "as model-versions/get-download-uri gives them."
)
FILE_NOT_FOUND = "v{index} of '{collection}' has no file or folder '{path}'."
VERSION_NOT_FOUND = "'{collection}' in registry '{registry}' has no version v{index}."


def artifact_uri(version: LinkedVersion) -> str:
    collection = version.collection
    return (
        f"mlflow-artifacts:/{PREFIX}/{collection.registry.name}/{collection.name}/v{version.index}"
    )


def _locate(user, path: str) -> tuple[LinkedVersion, str]:
    """(version, path inside it) for an artifact path, checking the Viewer role."""
    parts = [p for p in (path or "").split("/") if p]
    if (
        len(parts) < 4
        or parts[0] != PREFIX
        or parts[3][:1] not in ("v", "V")
        or not parts[3][1:].isdigit()
        or any(p in (".", "..") for p in parts)
    ):
        raise invalid(PATH_RULE.format(path=path))
    registry = reads.get_registry_for_user(user, parts[1])
    permissions.check_can_download(user, registry)
    collection = reads.get_collection(registry, parts[2])
    index = int(parts[3][1:])
    version = LinkedVersion.objects.filter(collection=collection, index=index).first()
    if version is None:
        raise not_found(
            VERSION_NOT_FOUND.format(
                collection=collection.name, registry=registry.name, index=index
            )
        )
    version.collection = collection
    return version, "/".join(parts[4:])


def _listing(version: LinkedVersion, inner: str) -> list[dict]:
    """Direct children of folder `inner` (or the file itself), as MLflow lists them."""
    entries: dict[str, dict] = {}
    for file in reads.files_of(version):
        if file.path == inner:
            return [
                {"path": posixpath.basename(file.path), "is_dir": False, "file_size": file.size}
            ]
        if inner and not file.path.startswith(inner + "/"):
            continue
        rest = file.path[len(inner) + 1 :] if inner else file.path
        head, slash, _ = rest.partition("/")
        if slash:
            entries.setdefault(head, {"path": head, "is_dir": True})
        else:
            entries[head] = {"path": head, "is_dir": False, "file_size": file.size}
    if inner and not entries:
        raise not_found(
            FILE_NOT_FOUND.format(
                index=version.index, collection=version.collection.name, path=inner
            )
        )
    return [entries[name] for name in sorted(entries)]


@endpoint("GET")
def listing(request, user, params):
    version, inner = _locate(user, params.text("path", required=False))
    return {"files": _listing(version, inner)}


@endpoint("GET")
def download(request, user, params, path: str):
    version, inner = _locate(user, path)
    file = reads.files_of(version).filter(path=inner).first() if inner else None
    if file is None:
        raise not_found(
            FILE_NOT_FOUND.format(
                index=version.index, collection=version.collection.name, path=inner
            )
        )
    content_type, encoding = mimetypes.guess_type(inner)
    if encoding or not content_type:
        content_type = "application/octet-stream"
    response = StreamingHttpResponse(iter_blob(file.blob), content_type=content_type)
    response["Content-Length"] = str(file.blob.size)
    response["ETag"] = f'"{file.blob.sha256}"'
    return response


def server_info(request):
    """MLflow's capability probe: no multipart or presigned transfers here."""
    return JsonResponse({"multipart_uploads_enabled": False, "multipart_downloads_enabled": False})
