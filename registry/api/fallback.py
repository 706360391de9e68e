"""Any other /api/v1/ path answers a JSON 404, not Django's HTML page."""

from __future__ import annotations

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
