"""Any other /api/v1/ path answers a JSON 404, not Django's HTML page."""

from __future__ import annotations

from django.http import JsonResponse
from ninja import Router

from registry.errors import NotFound

router = Router()
NO_SUCH_ENDPOINT = (
    "There is no API endpoint at {path}; the endpoints are listed at /api/v1/docs "
    "(OpenAPI: /api/v1/openapi.json)."
)


@router.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def no_such_endpoint(request, rest: str):
    raise NotFound(NO_SUCH_ENDPOINT.format(path=request.path))


def json_not_found(request, rest: str = ""):
    """Paths the router's patterns cannot match at all (a newline, `%0A`, in them: `.` in
    the patterns stops at one) still answer JSON, like every other API refusal."""
    return JsonResponse({"detail": NO_SUCH_ENDPOINT.format(path=request.path)}, status=404)
