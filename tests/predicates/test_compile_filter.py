"""Every operator on every kind of field, run as SQL (the same tests on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import CharField, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.db.models.lookups import In
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registry.models import Alias, Collection, LinkedVersion, Registry
from registry.predicates import (
    FilterError,
    compile_filter,
    explain_version_conditions,
    narrowing,
    version_matches,
)
from registry.services import registries
from registry.services.collections import add_collection_tags, update_collection_description
from registry.services.linking import link_version
from registry.services.tags import add_version_tags
from tests.factories import make_source

METADATA = [
    {"acc": 0.5, "name": "resnet", "nested": {"k": 3}, "note": None},
    {"acc": 0.95, "flag": True, "name": "vit-large"},
    {"acc": "0.99", "name": "Vit"},
]


@pytest.fixture
def versions(registry, admin):
    """v0 (staging, tag cv), v1 (production, tags cv and big), v2 (latest, no alias)."""
    made = []
    for index, metadata in enumerate(METADATA):
        source = make_source(admin, name=f"m{index}", metadata=metadata)
        aliases = [["staging"], ["production"], []][index]
        linked, _ = link_version(
            registry=registry, collection_name="zoo", source=source, aliases=aliases, actor=admin
        )
        made.append(linked)
    add_version_tags(version=made[0], names=["cv"], actor=admin)
    add_version_tags(version=made[1], names=["cv", "big"], actor=admin)
    return made


def indexes(filter) -> set[int]:
    return set(
        LinkedVersion.objects.filter(compile_filter("versions", filter)).values_list(
            "index", flat=True
        )
    )


VERSION_CASES = [
    ({}, {0, 1, 2}),
    ({"alias": "production"}, {1}),
    ({"alias": {"$eq": "staging"}}, {0}),
    ({"alias": "latest"}, {2}),
    ({"alias": "v1"}, {1}),
    ({"alias": {"$ne": "production"}}, {0, 2}),
    ({"alias": {"$in": ["staging", "latest"]}}, {0, 2}),
    ({"alias": {"$nin": ["staging", "latest"]}}, {1}),
    ({"alias": {"$regex": "^prod"}}, {1}),
    ({"alias": {"$regex": "ag"}}, {0}),
    ({"alias": {"$regex": "^v[02]$"}}, {0, 2}),
    ({"alias": {"$gt": "s"}}, {0, 1, 2}),
    ({"alias": {"$exists": True}}, {0, 1, 2}),
    ({"tag": "cv"}, {0, 1}),
    ({"tag": {"$ne": "cv"}}, {2}),
    ({"tag": {"$in": ["big", "nope"]}}, {1}),
    ({"tag": {"$nin": ["big"]}}, {0, 2}),
    ({"tag": {"$regex": "^b"}}, {1}),
    ({"tag": {"$gte": "cv"}}, {0, 1}),
    ({"tag": {"$lt": "c"}}, {1}),
    ({"tag": {"$exists": True}}, {0, 1}),
    ({"tag": {"$exists": False}}, {2}),
    ({"metadata.acc": 0.95}, {1}),
    ({"metadata.acc": {"$gt": 0.9}}, {1}),
    ({"metadata.acc": {"$gte": 0.5}}, {0, 1}),
    ({"metadata.acc": {"$lt": 0.6}}, {0}),
    ({"metadata.acc": {"$lte": 0.95}}, {0, 1}),
    ({"metadata.acc": {"$gt": "0.9"}}, {2}),
    ({"metadata.acc": {"$ne": 0.5}}, {1, 2}),
    ({"metadata.acc": {"$in": [0.5, "0.99"]}}, {0, 2}),
    ({"metadata.acc": {"$nin": [0.5, "0.99"]}}, {1}),
    ({"metadata.name": {"$regex": "^vit"}}, {1}),
    ({"metadata.name": {"$regex": "(?i)^vit"}}, {1, 2}),
    ({"metadata.flag": True}, {1}),
    ({"metadata.flag": {"$exists": True}}, {1}),
    ({"metadata.flag": {"$exists": False}}, {0, 2}),
    ({"metadata.flag": {"$ne": True}}, {0, 2}),
    ({"metadata.note": None}, {0, 1, 2}),
    ({"metadata.note": {"$exists": True}}, {0}),
    ({"metadata.nested.k": {"$gte": 3}}, {0}),
    ({"metadata.nested.k": {"$exists": False}}, {1, 2}),
    ({"$and": [{"tag": "cv"}, {"metadata.acc": {"$gt": 0.9}}]}, {1}),
    ({"$or": [{"alias": "staging"}, {"metadata.acc": {"$gt": 0.9}}]}, {0, 1}),
    ({"$nor": [{"alias": "staging"}, {"metadata.acc": {"$gt": 0.9}}]}, {2}),
    ({"$not": {"tag": "cv"}}, {2}),
    ({"metadata.acc": {"$not": {"$gt": 0.9}}}, {0, 2}),
    ({"tag": "cv", "alias": {"$regex": "^st"}}, {0}),
]


@pytest.mark.parametrize(("filter", "expected"), VERSION_CASES, ids=str)
def test_it_filters_versions(versions, filter, expected):
    assert indexes(filter) == expected


def test_it_compares_version_dates(versions):
    LinkedVersion.objects.filter(pk=versions[0].pk).update(
        linked_at=timezone.now() - timedelta(days=10)
    )
    cutoff = (timezone.now() - timedelta(days=1)).isoformat()
    assert indexes({"created_at": {"$lt": cutoff}}) == {0}
    assert indexes({"created_at": {"$gte": cutoff}}) == {1, 2}
    assert indexes({"updated_at": {"$gt": "2000-01-01"}}) == {0, 1, 2}
    assert indexes({"created_at": {"$exists": True}}) == {0, 1, 2}


def test_it_runs_one_query_without_loading_rows(versions):
    q = compile_filter("versions", {"$or": [{"alias": "latest"}, {"metadata.acc": {"$gt": 0.9}}]})
    with CaptureQueriesContext(connection) as queries:
        count = LinkedVersion.objects.filter(q).count()
    assert count == 2
    assert len(queries) == 1


@pytest.fixture
def collections(registry, admin, versions):
    zoo = Collection.objects.get(registry=registry, name="zoo")
    add_collection_tags(collection=zoo, names=["vision"], actor=admin)
    update_collection_description(collection=zoo, description="Image models", actor=admin)
    source = make_source(admin, name="other")
    link_version(registry=registry, collection_name="Farm", source=source, aliases=[], actor=admin)
    return Collection.objects.filter(registry=registry)


def collection_names(filter) -> set[str]:
    return set(
        Collection.objects.filter(compile_filter("collections", filter)).values_list(
            "name", flat=True
        )
    )


COLLECTION_CASES = [
    ({"name": "zoo"}, {"zoo"}),
    ({"name": {"$ne": "zoo"}}, {"Farm"}),
    ({"name": {"$in": ["zoo", "x"]}}, {"zoo"}),
    ({"name": {"$nin": ["zoo"]}}, {"Farm"}),
    ({"name": {"$regex": "^F"}}, {"Farm"}),
    ({"name": {"$gt": "G"}}, {"zoo"}),
    ({"name": {"$lte": "Farm"}}, {"Farm"}),
    ({"tag": "vision"}, {"zoo"}),
    ({"tag": {"$exists": False}}, {"Farm"}),
    ({"description": {"$regex": "Image"}}, {"zoo"}),
    ({"description": {"$exists": False}}, {"Farm"}),
    ({"$or": [{"name": "Farm"}, {"tag": "vision"}]}, {"zoo", "Farm"}),
    ({"updated_at": {"$gte": "2000-01-01T00:00:00Z"}}, {"zoo", "Farm"}),
    ({"created_at": {"$lt": "2000-01-01"}}, set()),
]


@pytest.mark.parametrize(("filter", "expected"), COLLECTION_CASES, ids=str)
def test_it_filters_collections(collections, filter, expected):
    assert collection_names(filter) == expected
    narrowed = Collection.objects.filter(
        compile_filter("collections", filter), narrowing("collections", filter)
    )
    assert set(narrowed.values_list("name", flat=True)) == expected


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ({"name": "Model"}, {"Model"}),
        ({"name": "wandb-registry-Model"}, {"Model"}),
        ({"name": {"$in": ["wandb-registry-Dataset", "Model"]}}, {"Dataset", "Model"}),
        ({"name": {"$regex": "^Mod"}}, {"Model"}),
        ({"description": {"$regex": "secret"}}, {"Secret"}),
        ({"$not": {"name": {"$in": ["Model", "Dataset"]}}}, {"Secret"}),
        ({"created_at": {"$gt": "2000-01-01"}, "name": "Secret"}, {"Secret"}),
        ({"updated_at": {"$lt": "2000-01-01"}}, set()),
    ],
    ids=str,
)
def test_it_filters_registries(org_admin, filter, expected):
    registries.create_registry(
        name="Secret",
        actor=org_admin,
        visibility=Registry.Visibility.RESTRICTED,
        accepted_types=["model"],
        description="Our secret models",
    )
    found = Registry.objects.filter(compile_filter("registries", filter))
    assert set(found.values_list("name", flat=True)) == expected


@pytest.mark.parametrize(
    ("kind", "filter", "message"),
    [
        (
            "versions",
            {"colour": "red"},
            "Unknown field 'colour' in a versions filter; allowed: tag",
        ),
        ("registries", {"tag": "x"}, "allowed: name, description, created_at, updated_at"),
        ("versions", {"tag": {"$size": 2}}, "Unknown operator '$size' on 'tag'; allowed: $eq"),
        ("versions", {"$where": "1"}, "Unknown operator '$where' at the top of a filter"),
        ("versions", {"tag": {"$in": "cv"}}, "'tag': $in takes a list"),
        ("versions", {"tag": {"$exists": "yes"}}, "$exists takes true or false"),
        ("versions", {"alias": {"$regex": "("}}, "is not a valid regular expression"),
        ("versions", {"created_at": {"$regex": "2025"}}, "'created_at' is a date: $regex"),
        ("versions", {"created_at": {"$gt": "yesterday"}}, "ISO 8601 date"),
        ("versions", {"tag": 3}, "'tag' holds names: $eq takes a string, got 3"),
        ("collections", {"name": {"$gt": 1}}, "'name' is text: $gt takes a string"),
        ("versions", {"metadata.": 1}, "names no metadata key"),
        ("versions", {"metadata.a": {"$gt": None}}, "$gt takes a string, number or boolean"),
        ("versions", {"metadata.a": {"b": 1}}, "Unknown operator 'b' on 'metadata.a'"),
        ("versions", {"$or": []}, "'$or' takes a non-empty list of filters"),
        ("versions", {"$and": [1]}, "A filter is a JSON object"),
        ("versions", [], "A filter is a JSON object"),
        ("versions", {"tag": ["a"]}, "use $in"),
        ("versions", {"tag": {"$not": "cv"}}, "$not takes an object of operators"),
        ("versions", {"tag": {}}, "empty operator object"),
    ],
    ids=str,
)
def test_it_refuses_bad_filters_naming_what_is_allowed(db, kind, filter, message):
    with pytest.raises(FilterError) as refused:
        compile_filter(kind, filter)
    assert message in refused.value.message
    assert refused.value.status == 400


def test_it_limits_nesting(db):
    deep: dict = {"tag": "x"}
    for _ in range(12):
        deep = {"$not": deep}
    with pytest.raises(FilterError, match="nest at most"):
        compile_filter("versions", deep)


def test_it_explains_each_condition_of_one_version(versions):
    results = explain_version_conditions(
        versions[1],
        {"metadata.acc": {"$gte": 0.9}, "alias": "staging", "tag": {"$in": ["big"]}},
    )
    assert [tuple(r) for r in results] == [
        ("metadata.acc $gte 0.9", 0.95, True),
        ('alias $eq "staging"', ["production", "v1"], False),
        ('tag $in ["big"]', ["big", "cv"], True),
    ]
    assert explain_version_conditions(versions[2], {"metadata.missing": {"$exists": True}}) == [
        ("metadata.missing $exists true", None, False)
    ]
    assert explain_version_conditions(versions[2], {"alias": "latest"})[0].actual == [
        "v2",
        "latest",
    ]


def test_it_decides_whether_one_version_matches(versions):
    assert version_matches(versions[1], {"metadata.acc": {"$gt": 0.9}})
    assert not version_matches(versions[2], {"metadata.acc": {"$gt": 0.9}})


# Derived names resolved before SQL, and the narrowing by held names -----------------


def _as_sql_compared(names: list[str]) -> set[int]:
    """Versions whose stored or derived names include one of `names`, the derived ones
    compared in SQL as `'v' || index` and the newest by subquery (the compiler's form
    before it resolved derived names itself): the reference for the rewrite."""
    version_name = Concat(Value("v"), Cast("index", CharField()), output_field=CharField())
    newest = LinkedVersion.objects.filter(collection=OuterRef("collection")).order_by("-index")
    q = Q(Exists(Alias.objects.filter(version=OuterRef("pk"), name__in=names)))
    q |= Q(In(version_name, names))
    if "latest" in names:
        q |= Q(index=Subquery(newest.values("index")[:1]))
    return set(LinkedVersion.objects.filter(q).values_list("pk", flat=True))


def _pks(filter) -> set[int]:
    return set(
        LinkedVersion.objects.filter(compile_filter("versions", filter)).values_list(
            "pk", flat=True
        )
    )


@pytest.fixture
def two_collections(versions, registry, admin):
    """The zoo's three versions and a farm of two (v0 'production', v1 latest)."""
    for index in range(2):
        source = make_source(admin, name=f"farm{index}")
        aliases = [["production"], []][index]
        link_version(
            registry=registry, collection_name="farm", source=source, aliases=aliases, actor=admin
        )
    return LinkedVersion.objects.all()


NAME_LISTS = [
    ["v0"],
    ["v1"],
    ["v2"],
    ["v3"],
    ["latest"],
    ["production"],
    ["v01"],
    ["V1"],
    ["Latest"],
    ["v-1"],
    ["v2147483647"],
    ["v2147483648"],
    ["v99999999999999999999"],
    ["v1", "latest"],
    ["v0", "staging"],
    ["production", "latest", "v2"],
    ["nothing", "v00"],
]


@pytest.mark.parametrize("names", NAME_LISTS, ids=str)
def test_an_alias_equality_with_derived_names_finds_what_sql_comparison_found(
    two_collections, names
):
    expected = _as_sql_compared(names)
    everything = set(two_collections.values_list("pk", flat=True))
    assert _pks({"alias": {"$in": names}}) == expected
    assert _pks({"alias": {"$nin": names}}) == everything - expected
    if len(names) == 1:
        assert _pks({"alias": names[0]}) == expected
        assert _pks({"alias": {"$ne": names[0]}}) == everything - expected


def test_an_alias_v_n_is_the_version_with_that_index_and_no_string_comparison(two_collections):
    sql = str(LinkedVersion.objects.filter(compile_filter("versions", {"alias": "v1"})).query)
    assert "CAST" not in sql.upper()
    assert _pks({"alias": "v1"}) == set(
        LinkedVersion.objects.filter(index=1).values_list("pk", flat=True)
    )


NARROWED = [
    {"tag": "cv", "alias": "production"},
    {"tag": "cv", "alias": {"$in": ["staging", "production"]}},
    {"$and": [{"tag": {"$in": ["cv", "big"]}}, {"$and": [{"alias": "staging"}]}]},
    {"tag": "big", "alias": "latest"},
    {"tag": "cv", "alias": {"$in": ["v0", "production"]}},
    {"alias": "production"},
    {"tag": {"$eq": "cv", "$ne": "big"}},
    {"$or": [{"tag": "big"}, {"alias": "staging"}]},
    {"tag": {"$not": {"$eq": "cv"}}},
    {"alias": {"$nin": ["staging"]}, "tag": "cv"},
    {"tag": "CV"},
    {"tag": {"$in": []}},
]


@pytest.mark.parametrize("filter", NARROWED, ids=str)
def test_narrowing_by_held_names_changes_no_result(two_collections, filter):
    q = compile_filter("versions", filter)
    narrowed = LinkedVersion.objects.filter(q, narrowing("versions", filter))
    assert set(narrowed.values_list("pk", flat=True)) == _pks(filter)


def test_narrowing_starts_only_from_names_every_match_holds(db):
    assert narrowing("versions", {"$or": [{"tag": "a"}, {"alias": "b"}]}) == Q()
    assert narrowing("versions", {"tag": {"$not": {"$eq": "a"}}}) == Q()
    assert narrowing("versions", {"alias": {"$in": ["latest", "b"]}}) == Q()
    assert narrowing("versions", {"metadata.acc": {"$gt": 1}}) == Q()
    assert narrowing("versions", {"tag": "a", "alias": "b"}) != Q()
    assert narrowing("collections", {"tag": "a"}) != Q()
