"""Automation views (to be built by the automations issue)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def preview(request, registry: str, collection: str, index: int):
    return HttpResponse("")
