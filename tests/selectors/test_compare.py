"""registry.selectors.compare: files, metadata, tags, aliases, runs and lineage of two versions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.errors import NotFound
from registry.selectors.compare import (
    MISSING,
    Change,
    FileCounts,
    FileDiff,
    compare_summary,
    compare_versions,
    flatten_metadata,
)
from registry.services import artifacts
from registry.services.aliases import add_alias
from registry.services.linking import link_version, unlink_version
from registry.services.tags import add_version_tags
from registry.storage import store_bytes
from tests.factories import make_project
from tests.services.conftest import exactly


def log(actor, files: dict[str, bytes], *, metadata=None, run=None, name="zoo-model"):
    """A source version holding `files` (path -> content)."""
    manifest = []
    for path, content in files.items():
        blob = store_bytes(content)
        manifest.append(artifacts.ManifestEntry(path, blob.sha256, blob.size))
    version, _ = artifacts.log_artifact_version(
        project=make_project(actor),
        name=name,
        type_="model",
        actor=actor,
        metadata=metadata or {},
        manifest=manifest,
        run=run,
    )
    return version


def link(actor, registry, source, aliases=(), collection="zoo"):
    linked, _ = link_version(
        registry=registry, collection_name=collection, source=source, aliases=aliases, actor=actor
    )
    return linked


def digest(content: bytes) -> str:
    return store_bytes(content).sha256


def test_it_lists_files_added_removed_and_changed_by_digest_with_sizes(registry, member):
    a = link(member, registry, log(member, {"a.txt": b"one", "b.txt": b"two", "c.txt": b"3"}))
    b = link(member, registry, log(member, {"a.txt": b"one", "b.txt": b"TWO!", "d.txt": b"four"}))
    result = compare_versions(a, b)
    assert result.files == [
        FileDiff("b.txt", digest(b"two"), 3, digest(b"TWO!"), 4),
        FileDiff("c.txt", digest(b"3"), 1, None, None),
        FileDiff("d.txt", None, None, digest(b"four"), 4),
    ]
    assert [f.path for f in result.files_changed] == ["b.txt"]
    assert [f.path for f in result.files_removed] == ["c.txt"]
    assert [f.path for f in result.files_added] == ["d.txt"]
    assert result.file_counts == FileCounts(added=1, removed=1, changed=1, unchanged=1)


def test_it_counts_a_file_moved_to_another_path_as_removed_and_added(registry, member):
    a = link(member, registry, log(member, {"old/name.bin": b"weights"}))
    b = link(member, registry, log(member, {"new/name.bin": b"weights"}))
    changes = [(f.path, f.change) for f in compare_versions(a, b).files]
    assert changes == [("new/name.bin", Change.ADDED), ("old/name.bin", Change.REMOVED)]


def test_it_flattens_nested_metadata_to_dotted_keys_with_both_values(registry, member):
    before = {"train": {"lr": 0.1, "epochs": 3}, "name": "zoo", "gone": [1, 2], "same": {"x": 1}}
    after = {"train": {"lr": 0.01, "epochs": 3, "opt": {"kind": "adam"}}, "name": "zoo"}
    after["same"] = {"x": 1}
    a = link(member, registry, log(member, {"w": b"1"}, metadata=before))
    b = link(member, registry, log(member, {"w": b"2"}, metadata=after))
    result = compare_versions(a, b)
    assert [(m.key, m.change, m.a_json, m.b_json) for m in result.metadata] == [
        ("gone", Change.REMOVED, "[1, 2]", ""),
        ("train.lr", Change.CHANGED, "0.1", "0.01"),
        ("train.opt.kind", Change.ADDED, "", '"adam"'),
    ]
    assert result.metadata_removed[0].b is MISSING
    assert result.metadata_added[0].a is MISSING


def test_it_tells_apart_json_values_python_calls_equal(registry, member):
    a = link(member, registry, log(member, {"w": b"1"}, metadata={"x": 1, "y": 1, "z": None}))
    b = link(member, registry, log(member, {"w": b"2"}, metadata={"x": True, "y": 1.0, "z": None}))
    assert [(m.key, m.a_json, m.b_json) for m in compare_versions(a, b).metadata] == [
        ("x", "1", "true"),
        ("y", "1", "1.0"),
    ]


def test_an_empty_object_is_a_value_of_its_own():
    assert list(flatten_metadata({"a": {}, "b": {"c": {}}})) == [("a", {}), ("b.c", {})]
    assert list(flatten_metadata({})) == []


def test_it_compares_tags_and_aliases_held(registry, member):
    a = link(member, registry, log(member, {"w": b"1"}), aliases=["staging", "best"])
    b = link(member, registry, log(member, {"w": b"2"}), aliases=["candidate"])
    add_version_tags(version=a, names=["Vision", "old"], actor=member)
    add_version_tags(version=b, names=["vision", "fast"], actor=member)
    result = compare_versions(a, b)
    assert (result.tags.added, result.tags.removed, result.tags.kept) == (
        ("fast",),
        ("old",),
        ("vision",),
    )
    assert (result.aliases.added, result.aliases.removed) == (("candidate",), ("best", "staging"))
    add_alias(version=b, name="best", actor=member)
    assert compare_versions(a, b).aliases.added == ("best", "candidate")


def test_it_compares_the_source_run_and_what_that_run_used(registry, member):
    data_v0 = log(member, {"d": b"rows-0"}, name="data")
    data_v1 = log(member, {"d": b"rows-1"}, name="data")
    run_a = artifacts.create_run(entity="team", project="proj", actor=member, name="a")
    run_b = artifacts.create_run(entity="team", project="proj", actor=member, name="b")
    for run, used in ((run_a, data_v0), (run_b, data_v1)):
        dataset = link(member, registry, used, collection=f"data-{run.name}")
        artifacts.record_use(linked=dataset, actor=member, run=run)
    a = link(member, registry, log(member, {"w": b"1"}, run=run_a))
    b = link(member, registry, log(member, {"w": b"2"}, run=run_b))
    result = compare_versions(a, b)
    assert result.a.run_ref == f"team/proj/{run_a.run_id}"
    assert result.b.run_ref == f"team/proj/{run_b.run_id}"
    assert result.source_run_changed
    assert result.inputs.removed == ("team/proj/data:v0",)
    assert result.inputs.added == ("team/proj/data:v1",)
    assert result.a.source_ref == "team/proj/zoo-model:v0"


def test_equal_manifests_are_not_read_and_count_as_unchanged(registry, member):
    files = {"a": b"1", "b": b"2"}
    a = link(member, registry, log(member, files, name="first"))
    b = link(member, registry, log(member, files, name="second", metadata={"k": 1}))
    with CaptureQueriesContext(connection) as queries:
        result = compare_versions(a, b)
    assert result.files == []
    assert result.file_counts == FileCounts(unchanged=2)
    assert not any("artifactfile" in q["sql"].lower() for q in queries.captured_queries)
    assert result.summary.describe() == "1 metadata key added"


@pytest.mark.parametrize("count", [3, 120])
def test_the_number_of_queries_does_not_grow_with_the_files(registry, member, count):
    a = link(member, registry, log(member, {f"f{i}": f"a{i}".encode() for i in range(count)}))
    b = link(member, registry, log(member, {f"f{i}": f"b{i}".encode() for i in range(count)}))
    with CaptureQueriesContext(connection) as queries:
        result = compare_versions(a, b)
    assert len(result.files_changed) == count
    # Both versions with chips, the runs' inputs (none here: skipped), both manifests.
    assert len(queries) == 2


def test_the_summary_counts_what_the_comparison_lists(registry, member):
    a = link(member, registry, log(member, {"a": b"1", "b": b"2", "c": b"3"}, metadata={"x": 1}))
    b = link(member, registry, log(member, {"a": b"9", "b": b"8", "d": b"4"}, metadata={"y": 2}))
    summary = compare_summary(a, b)
    assert summary == compare_versions(a, b).summary
    assert summary.files == FileCounts(added=1, removed=1, changed=2, unchanged=0)
    assert (summary.metadata_added, summary.metadata_removed, summary.metadata_changed) == (1, 1, 0)
    assert summary.describe() == (
        "2 files changed, 1 added, 1 removed; 1 metadata key added, 1 removed"
    )
    assert not summary.identical


def test_a_version_compared_with_itself_is_identical(registry, member):
    a = link(member, registry, log(member, {"a": b"1"}), aliases=["x"])
    summary = compare_summary(a, a)
    assert summary.identical and summary.describe() == "same files and metadata"
    assert summary.files == FileCounts(unchanged=1)


def test_it_says_when_a_version_is_no_longer_linked(registry, member):
    a = link(member, registry, log(member, {"a": b"1"}))
    b = link(member, registry, log(member, {"a": b"2"}))
    unlink_version(version=b, actor=member)
    message = "v1 of 'zoo' is no longer linked; nothing to compare."
    with pytest.raises(NotFound, match=exactly(message)):
        compare_versions(a, b)
