"""A wrong method on an API path answers JSON like every other refusal.

django-ninja answers 405 with a plain-text body before any of our handlers run; this
middleware rewrites that one response, keeping its `Allow` header.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/"
NOT_ALLOWED = "Method {method} is not allowed on {path}; allowed: {allowed}."


class JsonMethodNotAllowed:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or not request.path.startswith(API_PREFIX):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        allowed = ", ".join(sorted(m.strip() for m in response.get("Allow", "").split(",") if m))
        detail = NOT_ALLOWED.format(
            method=request.method, path=request.path, allowed=allowed or "none"
        )
        replaced = HttpResponse(
            json.dumps({"detail": detail}), status=405, content_type="application/json"
        )
        if "Allow" in response:
            replaced["Allow"] = response["Allow"]
        return replaced
