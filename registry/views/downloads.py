"""File downloads from a linked version: Viewer and above, streamed, never held in memory."""

from __future__ import annotations

from django.views.decorators.http import require_http_methods

from registry import permissions
from registry.blob_response import blob_response
from registry.selectors.files import version_file
from registry.selectors.versions import find_version
from registry.views.pages import page_view


@page_view
@require_http_methods(["GET", "HEAD"])
def download(request, registry, collection, index, path):
    version = find_version(request.user, registry, collection, index).version
    permissions.check_can_download(request.user, version.collection.registry)
    return blob_response(request, version_file(version, path))
