"""Wrong paths and wrong methods answer JSON with what is allowed, like every refusal."""

from __future__ import annotations

import pytest

from registry.api.fallback import NO_SUCH_ENDPOINT

pytestmark = pytest.mark.django_db


def test_an_unknown_path_answers_a_json_404(api_for, viewer):
    response = api_for(viewer).get("/api/v1/nope")
    assert response.status_code == 404
    assert response.json() == {"detail": NO_SUCH_ENDPOINT.format(path="/api/v1/nope")}


@pytest.mark.parametrize(
    "path", ["/api/v1/a%0Ab", "/api/v1/%0A", "/api/v1/registries/Model/collections/z%0A/x%0Ay"]
)
def test_a_path_with_a_newline_answers_json_not_html(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "There is no API endpoint at /api/v1/" in response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("put", "/api/v1/registries", "GET, POST"),
        ("delete", "/api/v1/registries", "GET, POST"),
        (
            "put",
            "/api/v1/registries/Model/collections/zoo/versions/production",
            "DELETE, GET, PATCH",
        ),
    ],
)
def test_a_wrong_method_answers_a_json_405_naming_the_allowed_ones(
    api_for, viewer, method, path, allowed
):
    client = api_for(viewer).client
    response = getattr(client, method)(path, headers=api_for(viewer).headers)
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "detail": f"Method {method.upper()} is not allowed on {path}; allowed: {allowed}."
    }
    assert sorted(m.strip() for m in response["Allow"].split(",")) == allowed.split(", ")


def test_pages_keep_their_own_405(client, viewer):
    client.force_login(viewer)
    response = client.put("/registries/Model/")
    assert response.status_code == 405
    assert not response["Content-Type"].startswith("application/json")
