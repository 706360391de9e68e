"""API authentication: `Authorization: Bearer <key>`, or the browser session (with CSRF)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from registry import key_auth

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


def bearer_token(request: HttpRequest) -> str | None:
    """The key in `Authorization: Bearer <key>`, or None without such a header."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


class ApiKeyAuth(HttpBearer):
    """`Authorization: Bearer <key>`."""

    def __call__(self, request: HttpRequest):
        # Not HttpBearer.__call__: that logs the whole header under DEBUG (a secret).
        token = bearer_token(request)
        return None if token is None else self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str):
        user = key_auth.authenticate(token)
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
    """The 401 for a key a view checked itself (the same answer as `ApiKeyAuth`'s)."""
    request._registry_bad_key = True
    return AuthenticationError()


def session_user(request: HttpRequest):
    """The signed-in user of a read-only request that authenticates itself; 401 if none."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise AuthenticationError()
    return user


AUTH = [ApiKeyAuth(), SessionAuth()]
