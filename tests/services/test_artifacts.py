"""registry.services.artifacts: entities, projects, runs, source versions, use."""

from __future__ import annotations

import pytest

from registry import permissions
from registry.errors import Forbidden, Invalid, NotFound
from registry.models import ArtifactVersion, RunArtifact, Team, TeamMembership
from registry.permissions import NOT_TEAM_MEMBER
from registry.selectors import sources
from registry.services import artifacts
from registry.services.artifacts import (
    BLOBS_MISSING,
    MANIFEST_EMPTY,
    PATH_INVALID,
    TEAM_CREATION_OFF,
    TYPE_CHANGED,
    ManifestEntry,
)
from registry.storage import store_bytes
from tests.factories import link_new, make_project
from tests.services.conftest import exactly

VIEWER = permissions.VIEWER


def entry(data: bytes, path: str = "weights.bin") -> ManifestEntry:
    blob = store_bytes(data)
    return ManifestEntry(path, blob.sha256, blob.size)


# The role table: downloading and `use_artifact` need Viewer.


def test_it_lets_viewers_and_up_use_an_artifact(case, org_admin):
    linked = link_new(org_admin, case.registry)
    run = artifacts.create_run(entity=case.actor.get_username(), project="p", actor=case.actor)
    with case.expect(VIEWER, "Downloading files or using an artifact"):
        artifacts.record_use(linked=linked, actor=case.actor, run=run)
    used = RunArtifact.objects.filter(run=run, version=linked.source, kind=RunArtifact.Kind.USED)
    assert used.exists() == case.allowed(VIEWER)
    assert permissions.can_download(case.actor, case.registry) == case.allowed(VIEWER)


def test_it_tells_a_restricted_viewer_which_role_downloads_need(restricted, restricted_viewer):
    with pytest.raises(Forbidden) as refused:
        permissions.check_can_download(restricted_viewer, restricted)
    assert refused.value.message == (
        "Downloading files or using an artifact in registry 'Secret' needs the Viewer role "
        "or higher; your role is Restricted viewer."
    )


# Entities and projects.


def test_it_creates_a_missing_team_with_the_caller_as_admin(member):
    team = artifacts.get_or_create_team(name="ml-team", actor=member)
    assert TeamMembership.objects.get(team=team, user=member).is_admin
    assert not team.is_personal
    assert artifacts.get_or_create_team(name="ML-TEAM", actor=member) == team


def test_it_marks_the_callers_own_name_as_personal(member):
    assert artifacts.get_or_create_team(name="Member", actor=member).is_personal


def test_it_says_team_creation_is_off_when_the_operator_turned_it_off(settings, member):
    settings.REGISTRY_ALLOW_TEAM_CREATION = False
    with pytest.raises(Forbidden, match=exactly(TEAM_CREATION_OFF.format(name="ml-team"))):
        artifacts.get_or_create_team(name="ml-team", actor=member)
    assert not Team.objects.exists()
    assert artifacts.get_or_create_team(name="member", actor=member).is_personal


def test_it_refuses_a_team_the_caller_is_not_in(member, viewer):
    artifacts.get_or_create_team(name="ml-team", actor=member)
    with pytest.raises(Forbidden, match=exactly(NOT_TEAM_MEMBER.format(name="ml-team"))):
        artifacts.create_run(entity="ml-team", project="p", actor=viewer)


def test_it_creates_and_finishes_a_run(member):
    run = artifacts.create_run(entity="member", project="zoo", actor=member, job_type="train")
    assert (run.state, run.job_type, run.project.name) == ("running", "train", "zoo")
    artifacts.finish_run(run=run, actor=member)
    assert run.state == "finished" and run.finished_at is not None
    found = sources.get_run(entity="MEMBER", project="ZOO", run_id=run.run_id, actor=member)
    assert found == run


def test_it_says_which_run_does_not_exist(member):
    with pytest.raises(NotFound, match=exactly("Run 'member/zoo/abc' does not exist.")):
        sources.get_run(entity="member", project="zoo", run_id="abc", actor=member)


# Source versions.


def test_it_numbers_source_versions_and_dedupes_identical_content(member):
    project = make_project(member, entity="member")
    first, created = artifacts.log_artifact_version(
        project=project, name="clf", type_="model", manifest=[entry(b"a")], actor=member
    )
    again, created_again = artifacts.log_artifact_version(
        project=project, name="clf", type_="model", manifest=[entry(b"a")], actor=member
    )
    second, _ = artifacts.log_artifact_version(
        project=project,
        name="clf",
        type_="model",
        manifest=[entry(b"b"), entry(b"c", "extra.txt")],
        actor=member,
        metadata={"accuracy": 0.9},
    )
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert (first.index, second.index) == (0, 1)
    assert (second.file_count, second.size, second.metadata) == (2, 2, {"accuracy": 0.9})
    assert sorted(second.files.values_list("path", flat=True)) == ["extra.txt", "weights.bin"]


def test_it_records_the_run_that_logged_a_version(member):
    run = artifacts.create_run(entity="member", project="zoo", actor=member)
    version, _ = artifacts.log_artifact_version(
        project=run.project,
        name="clf",
        type_="model",
        manifest=[entry(b"x")],
        actor=member,
        run=run,
    )
    assert version.created_run == run
    assert RunArtifact.objects.filter(run=run, version=version, kind="logged").exists()


def test_it_refuses_a_version_of_another_type(member):
    project = make_project(member, entity="member")
    artifacts.log_artifact_version(
        project=project, name="clf", type_="model", manifest=[entry(b"a")], actor=member
    )
    message = TYPE_CHANGED.format(name="clf", existing="model", type="dataset")
    with pytest.raises(Invalid, match=exactly(message)):
        artifacts.log_artifact_version(
            project=project, name="clf", type_="dataset", manifest=[entry(b"b")], actor=member
        )


def test_it_refuses_to_commit_before_every_blob_is_uploaded(member):
    project = make_project(member, entity="member")
    missing = "f" * 64
    manifest = [entry(b"a"), ManifestEntry("b.bin", missing, 3)]
    message = BLOBS_MISSING.format(count=1, digests=missing)
    with pytest.raises(Invalid, match=exactly(message)):
        artifacts.log_artifact_version(
            project=project, name="clf", type_="model", manifest=manifest, actor=member
        )
    assert not ArtifactVersion.objects.exists()


def test_it_refuses_a_size_that_disagrees_with_the_stored_blob(member):
    project = make_project(member, entity="member")
    good = entry(b"abc")
    with pytest.raises(Invalid, match="^'weights.bin' is 3 bytes on the server, not 4.$"):
        artifacts.log_artifact_version(
            project=project,
            name="clf",
            type_="model",
            manifest=[ManifestEntry(good.path, good.sha256, 4)],
            actor=member,
        )


@pytest.mark.parametrize(
    "path",
    [
        "../etc/passwd",
        "/abs",
        "a//b",
        "a/./b",
        "",
        "C:\\Windows\\win.ini",
        "C:/Windows/win.ini",
        "c:relative.txt",
        "\\\\server\\share\\x",
        "//server/share/x",
        "dir\\model.bin",
        "..\\escape",
    ],
)
def test_it_refuses_unsafe_manifest_paths(path):
    raw = [{"path": path, "sha256": "a" * 64, "size": 1}]
    with pytest.raises(Invalid, match=exactly(PATH_INVALID.format(path=path))):
        artifacts.clean_manifest(raw)


def test_it_cleans_a_manifest_and_refuses_duplicates_and_bad_sizes():
    good = {"path": "dir/model.bin", "sha256": "a" * 64, "size": 1}
    assert artifacts.clean_manifest([good]) == [ManifestEntry("dir/model.bin", "a" * 64, 1)]
    with pytest.raises(Invalid, match="must be a whole number of bytes, not False"):
        artifacts.clean_manifest([{**good, "size": False}])
    with pytest.raises(Invalid, match=exactly(MANIFEST_EMPTY)):
        artifacts.clean_manifest([])
    with pytest.raises(Invalid, match="appears twice"):
        artifacts.clean_manifest([good, dict(good)])
    with pytest.raises(Invalid, match="must be a whole number of bytes, not -1"):
        artifacts.clean_manifest([{**good, "size": -1}])
    with pytest.raises(Invalid, match="is not a sha256 digest"):
        artifacts.clean_manifest([{**good, "sha256": "XYZ"}])
