"""PostgreSQL: migration 0003's indexes exist and the search's own queries can use them
(the expressions match), so a search does not scan tables; the query API's filters start
from migration 0014's name indexes. SQLite has no such indexes."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import Alias, Collection, VersionTag
from registry.selectors import query
from registry.selectors.search import search
from tests.factories import make_user

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram and C-collation indexes are PostgreSQL-only"
)

INDEXES = {
    "registry_collection_name_trgm",
    "registry_collection_description_trgm",
    "registry_collectiontag_name_trgm",
    "registry_versiontag_name_trgm",
    "registry_alias_name_trgm",
    "registry_collection_lname_c",
    "registry_collectiontag_lname_c",
    "registry_versiontag_lname_c",
    "registry_alias_lname_c",
}


def plans_of(user, q: str) -> str:
    """EXPLAIN of every query one search runs. Test tables are small enough that reading
    one whole, or walking a b-tree in order, is sometimes cheaper; ruling both out leaves
    bitmap scans, which show which index serves each query's condition."""
    with CaptureQueriesContext(connection) as captured:
        search(user, q)
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN " + query["sql"])
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return "\n".join(plans)


@pytest.fixture
def bulk(db):
    """Enough rows (and fresh statistics) for the planner to prefer indexes, as at scale."""
    call_command("seed_bulk", versions=30_000)
    return make_user("reader")


def test_the_migration_creates_the_search_indexes(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        names = {row[0] for row in cursor.fetchall()}
    assert INDEXES <= names


def test_an_alias_search_reads_the_name_indexes_not_the_table(bulk):
    alias = Alias.objects.filter(name__startswith="exp-").order_by("id").first().name
    plans = plans_of(bulk, alias[2:])  # prefix on the b-tree, substring on trigrams
    assert "registry_alias_lname_c" in plans
    assert "registry_alias_name_trgm" in plans
    assert "registry_versiontag_lname_c" in plans
    assert "registry_versiontag_name_trgm" in plans
    assert "Seq Scan on registry_alias" not in plans
    assert "Seq Scan on registry_versiontag" not in plans


def test_a_collection_search_reads_the_name_tag_and_description_indexes(bulk):
    name = Collection.objects.order_by("id").first().name
    plans = plans_of(bulk, name)
    for index in [
        "registry_collection_lname_c",
        "registry_collection_name_trgm",
        "registry_collection_description_trgm",
        "registry_collectiontag_lname_c",
        "registry_collectiontag_name_trgm",
    ]:
        assert index in plans, index
    assert "Seq Scan on registry_collection " not in plans


def test_a_filter_reads_the_b_tree(bulk):
    ticket = VersionTag.objects.filter(name__startswith="ticket-").first().name
    plans = plans_of(bulk, f"tag:{ticket}")
    assert "registry_versiontag_lname_c" in plans
    assert "Seq Scan on registry_versiontag" not in plans


def page_plan(found) -> str:
    """EXPLAIN of the statement a page of a query API / advanced search answer runs."""
    with CaptureQueriesContext(connection) as captured:
        query.page_of(found, cursor=None, per_page=50)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + captured.captured_queries[-1]["sql"])
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_tag_and_alias_filter_starts_from_the_name_indexes(bulk):
    found = query.find_versions(bulk, filter={"tag": "best", "alias": "production"})
    plan = page_plan(found)
    assert "version_tag_name_idx" in plan
    assert "alias_name_version_idx" in plan
    assert "Seq Scan on registry_linkedversion" not in plan


def test_a_page_reads_only_its_own_versions_for_showing(bulk):
    found = query.find_versions(bulk, filter={"metadata.accuracy": {"$gte": 0.5}})
    plan = page_plan(found)
    # The page's ids come from their own subquery and are looked up by primary key.
    assert "registry_linkedversion_pkey" in plan
    assert "Seq Scan on registry_artifactversion" not in plan
    assert "Hash Join" not in plan


def test_a_query_page_is_planned_for_its_values_every_time(db):
    """Statements the app runs often are prepared, and PostgreSQL may then keep one
    generic plan for every value; a page of a filter never is."""
    user = make_user("reader")
    found = query.find_collections(user, filter={"created_at": {"$gte": "2000-01-01"}})
    for _ in range(8):
        query.page_of(found, cursor=None, per_page=50)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert not [s for s in prepared if "registry_collection" in s and "ANY(ARRAY" in s]
    assert connection.connection.prepare_threshold is not None  # restored afterwards
