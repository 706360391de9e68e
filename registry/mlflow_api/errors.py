"""MLflow's error body `{"error_code", "message"}` with the HTTP status MLflow uses."""

from __future__ import annotations

from django.http import JsonResponse

from registry.errors import Conflict, Forbidden, Invalid, NotFound, RegistryError

RESOURCE_DOES_NOT_EXIST = "RESOURCE_DOES_NOT_EXIST"
RESOURCE_ALREADY_EXISTS = "RESOURCE_ALREADY_EXISTS"
INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE"
PERMISSION_DENIED = "PERMISSION_DENIED"
UNAUTHENTICATED = "UNAUTHENTICATED"
ENDPOINT_NOT_FOUND = "ENDPOINT_NOT_FOUND"
BAD_REQUEST = "BAD_REQUEST"

STATUS = {
    RESOURCE_DOES_NOT_EXIST: 404,
    RESOURCE_ALREADY_EXISTS: 400,
    INVALID_PARAMETER_VALUE: 400,
    PERMISSION_DENIED: 403,
    UNAUTHENTICATED: 401,
    ENDPOINT_NOT_FOUND: 404,
    BAD_REQUEST: 405,
}

# Our domain errors carry the message; MLflow's clients read the code.
_CODE_OF = [
    (NotFound, RESOURCE_DOES_NOT_EXIST),
    (Forbidden, PERMISSION_DENIED),
    (Conflict, RESOURCE_ALREADY_EXISTS),
    (Invalid, INVALID_PARAMETER_VALUE),
]


class MlflowError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    @classmethod
    def from_domain(cls, error: RegistryError) -> MlflowError:
        for kind, code in _CODE_OF:
            if isinstance(error, kind):
                return cls(code, error.message)
        return cls(INVALID_PARAMETER_VALUE, error.message)

    def response(self) -> JsonResponse:
        return JsonResponse(
            {"error_code": self.code, "message": self.message}, status=STATUS[self.code]
        )


def invalid(message: str) -> MlflowError:
    return MlflowError(INVALID_PARAMETER_VALUE, message)


def not_found(message: str) -> MlflowError:
    return MlflowError(RESOURCE_DOES_NOT_EXIST, message)
