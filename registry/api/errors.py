"""Every refusal as {"detail": "<what was wrong and what is allowed>"} with its status."""

from __future__ import annotations

import logging

from django.core.exceptions import ObjectDoesNotExist, ObjectNotUpdated
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from registry.api.auth import unauthenticated_message
from registry.api.schemas import PATH_RULES
from registry.errors import OBJECT_GONE, RegistryError
from registry.views import server_error

log = logging.getLogger(__name__)
VALUE_NOT_STORABLE = (
    "The request contains a value that cannot be stored: text must not contain NUL (\\x00) "
    "characters and numbers must fit in 64 bits."
)
INTERNAL = "The server could not handle this request; the error has been logged."
_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}


def _describe_location(loc) -> str:
    parts = [str(p) for p in loc if str(p) not in _LOCATIONS]
    # ninja wraps a body schema under the parameter name ("payload"); drop that too.
    if len(parts) > 1 and parts[0] in {"payload", "data"}:
        parts = parts[1:]
    return ".".join(parts) or "request body"


def describe_validation_errors(errors: list[dict]) -> str:
    """Pydantic errors as one sentence naming each field and what it must be."""
    problems = []
    for err in errors[:5]:
        field = _describe_location(err.get("loc", ()))
        message = str(err.get("msg", "is not valid"))
        loc = tuple(err.get("loc", ()))
        if err.get("type") == "missing":
            message = "is required"
        elif len(loc) == 2 and loc[0] == "path" and loc[1] in PATH_RULES:
            problems.append(
                f"path parameter '{loc[1]}' is '{err.get('input')}': {PATH_RULES[loc[1]]}"
            )
            continue
        elif message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        problems.append(f"'{field}': {message}")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return "Invalid request: " + "; ".join(problems) + more + "."


def install(api: NinjaAPI) -> None:
    def registry_error(request: HttpRequest, exc: RegistryError):
        body = {"detail": exc.message}
        if exc.hint:
            body["hint"] = exc.hint
        return api.create_response(request, body, status=exc.status)

    def validation_error(request: HttpRequest, exc: ValidationError):
        detail = describe_validation_errors(list(exc.errors))
        return api.create_response(request, {"detail": detail}, status=400)

    def authentication_error(request: HttpRequest, exc: AuthenticationError):
        return api.create_response(
            request, {"detail": unauthenticated_message(request)}, status=401
        )

    def http_error(request: HttpRequest, exc: HttpError):
        message = exc.message if exc.status_code != 400 else _body_message(exc.message)
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    def data_error(request: HttpRequest, exc: DataError):
        # The database refused a value the schemas let through (PostgreSQL rejects NUL
        # characters in text; numbers can overflow a column). Nothing was written: the
        # surrounding transaction rolled back.
        return api.create_response(request, {"detail": VALUE_NOT_STORABLE}, status=400)

    def not_found(request: HttpRequest, exc: Exception):
        return api.create_response(
            request, {"detail": "Not found: no such API endpoint or object."}, status=404
        )

    def gone(request: HttpRequest, exc: ObjectNotUpdated):
        # A row read at the start of the request was deleted by another one before the
        # write: the same answer as if it had been gone from the start.
        return api.create_response(request, {"detail": OBJECT_GONE}, status=404)

    def database_unavailable(request: HttpRequest, exc: Exception):
        log.warning("Database unavailable on %s %s: %s", request.method, request.path, exc)
        return server_error.database_unavailable_response(request)

    def unexpected(request: HttpRequest, exc: Exception):
        log.exception("Unhandled API error on %s %s", request.method, request.path)
        return api.create_response(request, {"detail": INTERNAL}, status=500)

    api.add_exception_handler(RegistryError, registry_error)
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(AuthenticationError, authentication_error)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(DataError, data_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ObjectDoesNotExist, not_found)
    api.add_exception_handler(ObjectNotUpdated, gone)
    api.add_exception_handler(OperationalError, database_unavailable)
    api.add_exception_handler(InterfaceError, database_unavailable)
    api.add_exception_handler(Exception, unexpected)


def _body_message(message: str) -> str:
    if message.startswith("Cannot parse request body"):
        return "Cannot parse the request body: send a JSON object (Content-Type: application/json)."
    return message
