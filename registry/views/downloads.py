"""File downloads from a linked version: Viewer and above, streamed, never held in memory."""

from __future__ import annotations

import mimetypes
import posixpath

from django.http import HttpResponseNotModified, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from registry import permissions
from registry.errors import NotFound
from registry.models import ArtifactFile
from registry.storage import iter_blob
from registry.views import queries
from registry.views.common import page_view
from registry.views.version import load

FILE_NOT_FOUND = "v{index} of '{collection}' has no file '{path}'."


@page_view
@require_http_methods(["GET", "HEAD"])
def download(request, registry, collection, index, path):
    reg, coll = load(request, registry, collection)
    permissions.check_can_download(request.user, reg)
    version = queries.get_version(coll, index)
    file = (
        ArtifactFile.objects.select_related("blob")
        .filter(version_id=version.source_id, path=path)
        .first()
    )
    if file is None:
        raise NotFound(FILE_NOT_FOUND.format(index=index, collection=coll.name, path=path))
    etag = f'"{file.blob.sha256}"'
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    content_type, encoding = mimetypes.guess_type(path)
    if encoding or not content_type:
        content_type = "application/octet-stream"
    body = iter_blob(file.blob) if request.method == "GET" else iter(())
    response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Length"] = str(file.blob.size)
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=posixpath.basename(path)
    )
    return response
