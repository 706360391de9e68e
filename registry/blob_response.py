"""One way to send a stored file, for the web UI and the API alike.

Streamed (never held in memory), with its size, its sha256 as a strong ETag (so
`If-None-Match` answers 304 through Django's conditional-request handling), HEAD without
a body, and a download file name that survives any characters.
"""

from __future__ import annotations

import mimetypes
import posixpath

from django.http import StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header

from registry.models import ArtifactFile
from registry.storage import iter_blob


def blob_response(request, file: ArtifactFile):
    etag = f'"{file.blob_id}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    content_type, encoding = mimetypes.guess_type(file.path)
    if encoding or not content_type:
        content_type = "application/octet-stream"
    body = iter_blob(file.blob) if request.method != "HEAD" else iter(())
    response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Length"] = str(file.size)
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=posixpath.basename(file.path)
    )
    return response
