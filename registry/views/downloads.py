"""File downloads from a linked version: Viewer and above, streamed, never held in memory."""

from __future__ import annotations

from django.views.decorators.http import require_http_methods

from registry import permissions
from registry.blob_response import blob_response
from registry.selectors.files import version_file
from registry.selectors.versions import get_version_state
from registry.views.pages import page_view
from registry.views.version import load


@page_view
@require_http_methods(["GET", "HEAD"])
def download(request, registry, collection, index, path):
    reg, coll = load(request, registry, collection)
    permissions.check_can_download(request.user, reg)
    version = get_version_state(coll, index).version
    return blob_response(request, version_file(version, path))
