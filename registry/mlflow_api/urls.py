"""MLflow's REST 2.0 model-registry routes, under /api/2.0/mlflow/ and /ajax-api/2.0/mlflow/."""

from __future__ import annotations

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from registry.mlflow_api import aliases, artifacts, model_versions, registered_models
from registry.mlflow_api.errors import ENDPOINT_NOT_FOUND, MlflowError

ROUTES = {
    "registered-models/alias": aliases.alias,
    "registered-models/get": registered_models.get,
    "registered-models/search": registered_models.search,
    "registered-models/create": registered_models.create,
    "registered-models/get-latest-versions": registered_models.get_latest_versions,
    "model-versions/get": model_versions.get,
    "model-versions/search": model_versions.search,
    "model-versions/create": model_versions.create,
    "model-versions/get-download-uri": model_versions.download_uri,
}
NOT_SERVED = (
    "'{route}' is not served here: this registry answers MLflow's model-registry routes "
    "{routes} (tracking, runs and experiments stay with your MLflow tracking server)."
)


@csrf_exempt
def route(request, name: str):
    view = ROUTES.get(name.strip("/"))
    if view is None:
        routes = ", ".join(sorted(ROUTES))
        return MlflowError(
            ENDPOINT_NOT_FOUND, NOT_SERVED.format(route=name, routes=routes)
        ).response()
    return view(request)


urlpatterns = [
    path("api/2.0/mlflow/<path:name>", route),
    path("ajax-api/2.0/mlflow/<path:name>", route),
    path("api/2.0/mlflow-artifacts/artifacts", artifacts.listing),
    path("api/2.0/mlflow-artifacts/artifacts/<path:path>", artifacts.download),
    path("api/3.0/mlflow/server-info", artifacts.server_info),
]
