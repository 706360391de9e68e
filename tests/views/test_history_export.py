"""Alias history exports: /registries/R[/C]/alias-history.csv|jsonl, and the API's twins."""

from __future__ import annotations

import csv
import io
import json

import pytest

from registry.services.aliases import add_alias, remove_alias
from tests.api.conftest import client_for
from tests.factories import link_new, make_user
from tests.views.conftest import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(registry, member, admin, clock):
    """zoo: best on v0 (member, 00:00), moved to v1 (admin, 01:00), removed (member, 02:00);
    lab: staging on v0 (admin, 03:00)."""
    v0 = link_new(member, registry, aliases=["best"])
    v1 = link_new(member, registry)
    clock.advance(hours=1)
    add_alias(version=v1, name="best", actor=admin)
    clock.advance(hours=1)
    remove_alias(version=v1, name="best", actor=member)
    clock.advance(hours=1)
    link_new(admin, registry, collection="lab", aliases=["staging"])
    return v0


def body(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def test_a_collection_exports_its_history_as_csv_oldest_first(as_user, viewer, history):
    response = as_user(viewer).get("/registries/Model/zoo/alias-history.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == ('attachment; filename="Model-zoo-alias-history.csv"')
    assert list(csv.reader(io.StringIO(body(response)))) == [
        ["time", "registry", "collection", "alias", "action", "from", "to", "actor"],
        ["2026-11-01T00:00:00Z", "Model", "zoo", "best", "add", "", "v0", "member"],
        ["2026-11-01T01:00:00Z", "Model", "zoo", "best", "move", "v0", "v1", "admin"],
        ["2026-11-01T02:00:00Z", "Model", "zoo", "best", "remove", "v1", "", "member"],
    ]


def test_a_registry_exports_every_collection_as_json_lines(as_user, viewer, history):
    response = as_user(viewer).get("/registries/Model/alias-history.jsonl")
    lines = [json.loads(line) for line in body(response).splitlines()]
    assert [(e["collection"], e["alias"], e["action"]) for e in lines] == [
        ("zoo", "best", "add"),
        ("zoo", "best", "move"),
        ("zoo", "best", "remove"),
        ("lab", "staging", "add"),
    ]
    assert lines[0] == {
        "time": "2026-11-01T00:00:00Z",
        "registry": "Model",
        "collection": "zoo",
        "alias": "best",
        "action": "add",
        "from": None,
        "to": "v0",
        "actor": "member",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?alias=BEST", ["add", "move", "remove"]),
        ("?actor=admin", ["move", "add"]),
        ("?since=2026-11-01T01:00Z&until=2026-11-01T02:00:00Z", ["move", "remove"]),
        ("?alias=staging&actor=admin&since=2026-11-01T02:30Z", ["add"]),
        ("?actor=nobody", []),
    ],
)
def test_it_filters_by_alias_actor_and_time(as_user, viewer, history, query, expected):
    response = as_user(viewer).get("/registries/Model/alias-history.jsonl" + query)
    assert [json.loads(line)["action"] for line in body(response).splitlines()] == expected


def test_it_refuses_times_it_cannot_read_or_a_reversed_range(as_user, viewer, history):
    client = as_user(viewer)
    response = client.get("/registries/Model/alias-history.csv?since=monday")
    assert response.status_code == 400
    assert "'monday' is not an RFC 3339 time" in text(response)
    response = client.get(
        "/registries/Model/alias-history.csv?since=2026-11-02T00:00Z&until=2026-11-01T00:00Z"
    )
    assert response.status_code == 400
    assert (
        "'since' (2026-11-02T00:00:00Z) is after 'until' (2026-11-01T00:00:00Z): nothing can "
        "fall between them." in text(response)
    )


def test_it_names_the_formats_it_knows(as_user, viewer, history):
    response = as_user(viewer).get("/registries/Model/alias-history.xlsx")
    assert response.status_code == 404
    assert "'xlsx' is not an export format: use csv or jsonl." in text(response)


def test_it_hides_a_restricted_registry_from_a_stranger(as_user, stranger, restricted, member):
    link_new(member, restricted, aliases=["x"])
    response = as_user(stranger).get("/registries/Secret/alias-history.csv")
    assert response.status_code == 404
    assert not response.streaming


def test_a_restricted_viewer_may_export_what_the_pages_show(
    as_user, restricted_viewer, restricted, member
):
    link_new(member, restricted, aliases=["x"])
    response = as_user(restricted_viewer).get("/registries/Secret/alias-history.csv")
    assert body(response).count("\n") == 2


def test_a_cell_a_spreadsheet_would_run_is_quoted(as_user, registry, admin, clock):
    from registry import permissions
    from registry.services.registries import set_role

    sneaky = make_user("+SUM.1")
    set_role(registry=registry, user=sneaky, role=permissions.MEMBER, actor=admin)
    link_new(sneaky, registry, aliases=["best"])
    rows = list(
        csv.reader(io.StringIO(body(as_user(admin).get("/registries/Model/alias-history.csv"))))
    )
    assert rows[1][-1] == "'+SUM.1"


def test_the_api_streams_the_same_export_for_a_key(viewer, history):
    response = client_for(viewer).get(
        "/api/v1/registries/Model/collections/zoo/alias-history.csv?actor=admin"
    )
    assert response.status_code == 200
    assert body(response).splitlines()[1].startswith("2026-11-01T01:00:00Z,Model,zoo,best,move")


def test_the_api_answers_refusals_as_json(viewer, history):
    response = client_for(viewer).get("/api/v1/registries/Model/alias-history.csv?until=soon")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("'soon' is not an RFC 3339 time")


def test_the_pages_link_to_the_exports(as_user, viewer, history):
    page = text(as_user(viewer).get("/registries/Model/zoo/"))
    assert 'href="/registries/Model/zoo/alias-history.csv"' in page
    page = text(as_user(viewer).get("/registries/Model/"))
    assert 'href="/registries/Model/alias-history.jsonl"' in page
