"""One exception hierarchy. Server refusals carry the server's message as their text."""

from __future__ import annotations


class RegistryError(Exception):
    """Base of every error the SDK raises. `status` is the HTTP status, if any."""

    status: int | None = None

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


Error = RegistryError  # the W&B spelling (wandb.Error)


class UsageError(RegistryError):
    """The SDK was called wrongly (bad path, missing file, not logged in…)."""


class CommError(RegistryError):
    """The server could not be reached, or answered something that is not the API."""


class ValidationError(RegistryError):
    status = 400


class AuthenticationError(RegistryError):
    status = 401


class PermissionDenied(RegistryError):
    status = 403


class NotFound(RegistryError):
    status = 404


class Conflict(RegistryError):
    status = 409


class ServerError(RegistryError):
    """The server failed (5xx)."""


class ChecksumMismatch(RegistryError):
    """A downloaded file's sha256 does not match the manifest; the file was not kept."""


_BY_STATUS = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
}


def error_for(status: int, message: str) -> RegistryError:
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else RegistryError)
    return cls(message, status)
