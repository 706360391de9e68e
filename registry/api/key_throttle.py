"""Repeated bad API keys from one address are answered 429 with Retry-After.

Counted after authentication has refused a key (the API marks the request), so a good
key costs nothing here and keeps working from a locked-out address: only guessing is
slowed down. Session requests are never counted.
"""

from __future__ import annotations

import json
import math

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from registry.api.method_not_allowed import API_PREFIX
from registry.services import throttle


class BadKeyThrottle:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code != 401
            or not getattr(request, "_registry_bad_key", False)
            or not request.path.startswith(API_PREFIX)
        ):
            return response
        address = throttle.client_address(request)
        until = throttle.record_failure(throttle.api_rule(), address) if address else None
        if until is None:
            return response
        detail = throttle.describe(throttle.API_LOCKED, until)
        refused = HttpResponse(
            json.dumps({"detail": detail}), status=429, content_type="application/json"
        )
        refused["Retry-After"] = str(max(1, math.ceil((until - timezone.now()).total_seconds())))
        return refused
