"""A bare endpoint: load balancers' health check, and the benchmark's ceiling."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
