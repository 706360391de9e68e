"""The plumbing every MLflow route shares: bearer auth, parameters, errors as MLflow's."""

from __future__ import annotations

import functools
import json

from django.http import HttpResponseBase, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from registry import key_auth
from registry.errors import RegistryError
from registry.mlflow_api.errors import (
    BAD_REQUEST,
    UNAUTHENTICATED,
    MlflowError,
    invalid,
)

NO_TOKEN = (
    "Authentication required: set MLFLOW_TRACKING_TOKEN to an API key from the API keys "
    "page (/account/api-keys/); it is sent as 'Authorization: Bearer <key>'."
)
BAD_TOKEN = (
    "The API key in MLFLOW_TRACKING_TOKEN is not valid or has been revoked; create a new "
    "one on the API keys page (/account/api-keys/)."
)
WRONG_METHOD = "{path} accepts {allowed}, not {method}."
BAD_JSON = "The request body must be a JSON object: {problem}."
MISSING = "The request needs '{field}'."
NOT_TEXT = "'{field}' must be a string."
NOT_NUMBER = "'{field}' must be a whole number from {low} to {high}; got '{value}'."


def bearer_token(request) -> str:
    """The bearer key sent, or MlflowError(UNAUTHENTICATED). Only keys: no sessions."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise MlflowError(UNAUTHENTICATED, NO_TOKEN)
    return token


def bad_token() -> MlflowError:
    return MlflowError(UNAUTHENTICATED, BAD_TOKEN)


def authenticate(request):
    """The key's user, or MlflowError(UNAUTHENTICATED)."""
    user = key_auth.authenticate(bearer_token(request))
    if user is None:
        raise bad_token()
    return user


class Params:
    """A request's parameters: the query string, overlaid by a JSON body when one is sent.

    MLflow's client sends GET parameters in the query string and the others as JSON;
    DELETE may come either way.
    """

    def __init__(self, request):
        self._query = request.GET
        self._body: dict = {}
        if request.method != "GET" and request.body:
            try:
                body = json.loads(request.body)
            except ValueError as error:
                raise invalid(BAD_JSON.format(problem=error)) from None
            if not isinstance(body, dict):
                raise invalid(BAD_JSON.format(problem="it is not an object"))
            self._body = body

    def get(self, field: str, default=None):
        if field in self._body:
            return self._body[field]
        return self._query.get(field, default)

    def text(self, field: str, *, required: bool = True) -> str:
        value = self.get(field)
        if value is None or (required and value == ""):
            if required:
                raise invalid(MISSING.format(field=field))
            return ""
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)  # a version sent as a JSON number
        if not isinstance(value, str):
            raise invalid(NOT_TEXT.format(field=field))
        return value

    def texts(self, field: str) -> list[str]:
        if field in self._body:
            value = self._body[field]
            return [value] if isinstance(value, str) else list(value or [])
        return self._query.getlist(field)

    def number(self, field: str, default: int, *, low: int, high: int) -> int:
        value = self.get(field)
        if value in (None, ""):
            return default
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not low <= number <= high:
            raise invalid(NOT_NUMBER.format(field=field, low=low, high=high, value=value))
        return number

    def list_of_dicts(self, field: str) -> list[dict]:
        value = self.get(field) or []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise invalid(f"'{field}' must be a list of objects.")
        return value


def answer(call):
    """Run `call()` and turn what it raises into MLflow's error body."""
    try:
        result = call()
    except MlflowError as error:
        return error.response()
    except RegistryError as error:
        return MlflowError.from_domain(error).response()
    if isinstance(result, HttpResponseBase):
        return result
    return JsonResponse(result)


def endpoint(*methods: str, auth: bool = True):
    """A view taking (request, user, params, **kwargs) and returning a dict or a response."""

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def handler(request, **kwargs):
            if request.method not in methods:
                message = WRONG_METHOD.format(
                    path=request.path, allowed=" or ".join(methods), method=request.method
                )
                response = MlflowError(BAD_REQUEST, message).response()
                response["Allow"] = ", ".join(methods)
                return response

            def call():
                user = authenticate(request) if auth else None
                return view(request, user, Params(request), **kwargs)

            return answer(call)

        return handler

    return decorate
