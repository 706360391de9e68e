"""API authentication: `Authorization: Bearer <key>`, or the browser session (with CSRF)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from registry.services import api_keys

NO_CREDENTIALS = (
    "Authentication required: send 'Authorization: Bearer <key>' with a key from the "
    "API keys page (/account/api-keys/), or sign in."
)
BAD_KEY = (
    "The API key is not valid, has expired or has been revoked; create a new one on the API "
    "keys page (/account/api-keys/)."
)
CSRF_FAILED = (
    "CSRF check failed: browser requests must send the X-CSRFToken header; scripts should "
    "use an API key instead."
)


@dataclass(frozen=True)
class DeferredKey:
    """A bearer key not checked yet: the view checks it in the same query as its own read."""

    token: str = field(repr=False)  # a secret: never in a repr, a log line or a traceback


class ApiKeyAuth(HttpBearer):
    """`Authorization: Bearer <key>`.

    With `deferred=True` the key is only checked for shape here and the view receives a
    `DeferredKey`, to check it together with its read (see `lookups.resolve_with_key`):
    the endpoint pipelines poll then costs one database round trip, not two.
    """

    def __init__(self, *, deferred: bool = False) -> None:
        super().__init__()
        self.deferred = deferred

    def __call__(self, request: HttpRequest):
        # Not HttpBearer.__call__: that logs the whole header under DEBUG (a secret).
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str):
        if self.deferred and api_keys.looks_like_key(token):
            return DeferredKey(token)
        user = api_keys.authenticate(token)
        if user is None:
            request._registry_bad_key = True
        return user


class SessionAuth(APIKeyCookie):
    """Django's session, with the CSRF check only for signed-in users (never a false 403)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise HttpError(403, CSRF_FAILED)
        return user


def unauthenticated_message(request: HttpRequest) -> str:
    return BAD_KEY if getattr(request, "_registry_bad_key", False) else NO_CREDENTIALS


def refuse_bad_key(request: HttpRequest) -> AuthenticationError:
    """The 401 for a deferred key the view found not valid (same answer as up front)."""
    request._registry_bad_key = True
    return AuthenticationError()


AUTH = [ApiKeyAuth(), SessionAuth()]
AUTH_DEFERRED = [ApiKeyAuth(deferred=True), SessionAuth()]
