"""Query budgets of the alias flow a member uses all day, through the page and the API.

The budgets are counted as production runs them: each request in its own transaction
(`transaction=True`), not inside a test's wrapping transaction, whose savepoints would
add statements production never sends. Transaction control (BEGIN, COMMIT) is not
counted; every other statement is. Caches a long-running process holds (content types)
are warmed first.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from registry.models import Alias, AliasEvent, LinkedVersion, Registry
from registry.services import registries
from tests.api.conftest import client_for
from tests.factories import link_new, make_source

pytestmark = pytest.mark.django_db(transaction=True)

V0 = "/registries/Model/zoo/v0/"
API_V0 = "/api/v1/registries/Model/collections/zoo/versions/v0"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "aliases"}

OPEN_INPUT, ADD_ON_PAGE, ADD_THROUGH_API, RESOLVE = 5, 12, 10, 1
# An API move: the key, the collection lock (with the writer's role, and whether any
# automation watches the collection: here none, so they are not read), the version with
# the alias's holder, the update, its history row, the files.
MOVE_THROUGH_API = 6
# An API link: the key, the source, the lock, a link of that source already there, the
# collection's next index, the version, its link record, the answer's version and files.
LINK_THROUGH_API = 9
# API tags: the key, the collection lock (with the writer's role), the version with its
# tags, the new tags, the files.
TAGS_THROUGH_API = 5


@pytest.fixture
def zoo(registry, org_admin):
    registries.create_protected_alias(registry=registry, name="production", actor=org_admin)
    link_new(org_admin, registry, "zoo", aliases=["best"])
    link_new(org_admin, registry, "zoo", aliases=["production"])
    ContentType.objects.get_for_model(Registry)  # a warm process has it cached
    return registry


@pytest.fixture
def member_page(zoo, member):
    client = Client()
    client.force_login(member)
    return client


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def counted(call):
    with CaptureQueriesContext(connection) as queries:
        response = call()
    sql = [q["sql"] for q in queries.captured_queries]
    return response, [s for s in sql if not s.lstrip().upper().startswith(TRANSACTION_CONTROL)]


def version_reads(sql: list[str]) -> int:
    """Statements that read linked-version rows by their collection (the version's read)."""
    table = LinkedVersion._meta.db_table
    return sum(1 for s in sql if s.lstrip().startswith("SELECT") and f'FROM "{table}"' in s)


def test_opening_the_add_alias_input_stays_in_budget(member_page):
    response, sql = counted(lambda: member_page.get(V0 + "aliases/", **HTMX))
    assert response.status_code == 200
    assert 'id="alias-name"' in response.content.decode()
    assert len(sql) <= OPEN_INPUT, "\n".join(sql)


def test_adding_an_alias_on_the_page_with_its_history_stays_in_budget(member_page):
    member_page.get(V0)  # a session in use, as in the browser
    response, sql = counted(lambda: member_page.post(V0 + "aliases/", {"name": "staging"}, **HTMX))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'hx-swap-oob="true"' in body and "staging" in body
    assert len(sql) <= ADD_ON_PAGE, "\n".join(sql)
    assert Alias.objects.filter(name="staging").exists()


def test_adding_an_alias_through_the_api_reads_the_version_once(zoo, member):
    api = client_for(member)
    api.get(API_V0)  # the key's last use is stamped (at most once a minute)
    response, sql = counted(lambda: api.post(API_V0 + "/aliases", {"name": "staging"}))
    assert response.status_code == 200, response.content
    assert "staging" in [c["name"] for c in response.json()["aliases"]]
    assert len(sql) <= ADD_THROUGH_API, "\n".join(sql)
    assert version_reads(sql) == 1, "\n".join(sql)
    assert AliasEvent.objects.filter(alias="staging").count() == 1


def test_moving_an_alias_through_the_api_stays_in_budget(zoo, member):
    api = client_for(member)
    api.get(API_V0)
    v1 = API_V0.replace("/v0", "/v1")
    response, sql = counted(lambda: api.post(v1 + "/aliases", {"name": "best"}))
    assert response.status_code == 200
    assert AliasEvent.objects.filter(alias="best", action="move").count() == 1
    assert len(sql) <= MOVE_THROUGH_API, "\n".join(sql)
    assert version_reads(sql) == 1, "\n".join(sql)
    assert not guardian_reads(sql), "the role is read with the collection lock"


def test_tagging_through_the_api_reads_the_version_once(zoo, member):
    api = client_for(member)
    api.get(API_V0)
    response, sql = counted(lambda: api.post(API_V0 + "/tags", {"names": ["gold", "fp16"]}))
    assert response.status_code == 200, response.content
    assert response.json()["tags"] == ["fp16", "gold"]
    assert len(sql) <= TAGS_THROUGH_API, "\n".join(sql)
    assert version_reads(sql) == 1, "\n".join(sql)
    assert not guardian_reads(sql), "the role is read with the collection lock"
    response, sql = counted(lambda: api.delete(API_V0 + "/tags/GOLD"))
    assert response.json()["tags"] == ["fp16"]
    assert version_reads(sql) == 1, "\n".join(sql)


def guardian_reads(sql: list[str]) -> list[str]:
    """Statements of their own for a user's object permissions (guardian's query)."""
    return [s for s in sql if s.lstrip().startswith('SELECT "auth_permission"')]


def test_linking_through_the_api_stays_in_budget(zoo, member, org_admin):
    registries.set_role(registry=zoo, user=member, role="member", actor=org_admin)
    source = make_source(member, name="zoo-model")
    api = client_for(member)
    api.get(API_V0)
    body = {
        "source": {
            "entity": source.artifact.project.team.name,
            "project": source.artifact.project.name,
            "artifact": source.artifact.name,
            "version": f"v{source.index}",
        }
    }
    url = "/api/v1/registries/Model/collections/zoo/versions"
    response, sql = counted(lambda: api.post(url, body))
    assert response.status_code == 201, response.content
    assert response.json()["version"] == "v2"
    assert len(sql) <= LINK_THROUGH_API, "\n".join(sql)
    assert not guardian_reads(sql), "the role is read with the collection lock"


def test_resolving_an_alias_through_the_api_is_one_query(zoo, member):
    api = client_for(member)
    url = "/api/v1/registries/Model/collections/zoo/versions/production"
    first = api.get(url)  # stamps the key's last use, renders the body once
    response, sql = counted(lambda: api.get(url))
    assert response.status_code == 200
    assert response.json()["version"] == "v1"
    assert len(sql) == RESOLVE, "\n".join(sql)
    not_modified, sql = counted(lambda: api.get(url, **{"If-None-Match": first["ETag"]}))
    assert not_modified.status_code == 304
    assert len(sql) == RESOLVE, "\n".join(sql)
