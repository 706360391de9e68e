"""Domain errors. Views map them to 400/403/404/409; the API to {"detail": message}."""

from __future__ import annotations


class RegistryError(Exception):
    status = 400

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        # What to do instead, for API clients (pages offer it as a link or button).
        self.hint = hint


class Invalid(RegistryError):
    """The input breaks a rule; the message says which and what is allowed."""

    status = 400


class Forbidden(RegistryError):
    """The user can see the object but their role does not allow the change."""

    status = 403


class NotFound(RegistryError):
    """The object does not exist or the user may not see it (the same answer for both)."""

    status = 404


class Conflict(RegistryError):
    """The change clashes with existing state (a name already taken…)."""

    status = 409


OBJECT_GONE = "That object no longer exists; it was deleted while you were changing it."
