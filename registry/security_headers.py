"""Security headers Django does not set itself: Permissions-Policy on pages, and a policy
of their own on API answers.

Pages get the site's Content-Security-Policy (settings.SECURE_CSP, set by Django's
middleware further out) and a Permissions-Policy. An API answer — JSON, or a 304
revalidating it — is never a document a browser runs, so it gets the strictest policy
instead (nothing may load, nothing may frame it; as GitHub's API answers) and no
Permissions-Policy, a document's list of features: about 340 bytes fewer on the answers
pipelines poll all day. With the page headers a 304 at 8 clients ran at 44-46 % of
`/healthz/` against 49-50 % before either header existed; with these, 49 % against 47 %
(`make bench-api`, PostgreSQL, one tree after the other).
"""

from __future__ import annotations

from django.conf import settings

API_PREFIXES = ("/api/", "/ajax-api/")  # ours and MLflow's REST routes
API_CSP = "default-src 'none'; frame-ancestors 'none'"


class SecurityHeaders:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_api_answer(request.path, response.get("Content-Type")):
            response.headers.setdefault("Content-Security-Policy", API_CSP)
        else:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def is_api_answer(path: str, content_type: str | None) -> bool:
    """An answer under the API's paths that is not a page (the API's own docs are one)."""
    if not path.startswith(API_PREFIXES):
        return False
    return content_type is None or not content_type.startswith("text/html")
