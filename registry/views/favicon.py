"""`/favicon.ico`: browsers ask for it at the root whatever the page's <link rel="icon">."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

ICON = settings.BASE_DIR / "static" / "registry" / "img" / "favicon.ico"


@cache
def _icon() -> bytes:
    return ICON.read_bytes()


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request):
    return HttpResponse(_icon(), content_type="image/x-icon")
