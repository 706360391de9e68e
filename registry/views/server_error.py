"""The 500 handler: a database that is down or restarting answers 503, not a 500 page.

Django calls the handler while the exception is being handled, so `sys.exc_info()` says
what went wrong. Nothing in the page needs the database.
"""

from __future__ import annotations

import json
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse

DATABASE_UNAVAILABLE = (
    "The database is unavailable right now (restarting or unreachable); nothing was changed "
    "by this request unless it had already been committed. Try again in a few seconds."
)
SERVER_ERROR = "The server could not handle this request; the error has been logged."
RETRY_AFTER = "5"
_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
    "</head><body><h1>{title}</h1><p>{message}</p></body></html>"
)


def is_database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, (OperationalError, InterfaceError))


def database_unavailable_response(request) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = HttpResponse(
            json.dumps({"detail": DATABASE_UNAVAILABLE}),
            status=503,
            content_type="application/json",
        )
    else:
        page = _PAGE.format(title="Service unavailable", message=DATABASE_UNAVAILABLE)
        response = HttpResponse(page, status=503)
    response["Retry-After"] = RETRY_AFTER
    return response


def server_error(request):
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response(request)
    if request.path.startswith("/api/"):
        return HttpResponse(
            json.dumps({"detail": SERVER_ERROR}), status=500, content_type="application/json"
        )
    return HttpResponse(_PAGE.format(title="Server error", message=SERVER_ERROR), status=500)
