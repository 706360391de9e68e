"""Error pages outside the views' own refusals: CSRF failures, bare 403s, and the way back.

Every error page is `registry/error.html`; `way_back` gives it a link to where the user came
from (the referring page on this site), so a refusal never leaves them stranded.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

CSRF_FAILED = (
    "The form was sent without a valid security token, usually because the page was open "
    "for a long time or you signed in or out in another tab. Go back, reload the page and "
    "send the form again."
)
NOT_ALLOWED = "Your role does not allow this. Registry admins can change roles in the settings."


def way_back(request) -> dict:
    """Context processor: `way_back`, the referring page when it is on this site, else None
    (error pages then offer the registries). A GET's own URL is no way back; after a
    refused POST the form's page is: reloading it gives a fresh form."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return {"way_back": None}
    parts = urlsplit(referer)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    same = parts.path == request.path and request.method == "GET"
    return {"way_back": None if same else target}


def _error(request, status: int, title: str, message: str):
    context = {"status": status, "title": title, "message": message}
    return render(request, "registry/error.html", context, status=status)


def csrf_failure(request, reason: str = ""):
    return _error(request, 403, "Form expired", CSRF_FAILED)


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else NOT_ALLOWED
    return _error(request, 403, "Not allowed", message)
