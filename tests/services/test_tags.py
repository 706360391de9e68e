"""registry.services.tags: tags and descriptions on linked versions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry import permissions
from registry.errors import Invalid, NotFound
from registry.models import VersionTag
from registry.names import TAG_RULE
from registry.selectors.versions import get_version_state
from registry.services.linking import unlink_version
from registry.services.tags import (
    TAG_NOT_FOUND,
    add_version_tags,
    remove_version_tag,
    update_version_description,
)
from tests.factories import link_new
from tests.services.conftest import exactly

MEMBER = permissions.MEMBER


def tag_names(version):
    return sorted(VersionTag.objects.filter(version=version).values_list("name", flat=True))


# The role table, every persona.


def test_it_lets_members_and_up_tag_a_version(case, org_admin):
    version = link_new(org_admin, case.registry)
    with case.expect(MEMBER, "Editing tags"):
        add_version_tags(version=version, names=["candidate"], actor=case.actor)
    assert tag_names(version) == (["candidate"] if case.allowed(MEMBER) else [])


def test_it_lets_members_and_up_remove_a_version_tag(case, org_admin):
    version = link_new(org_admin, case.registry)
    add_version_tags(version=version, names=["candidate"], actor=org_admin)
    with case.expect(MEMBER, "Editing tags"):
        remove_version_tag(version=version, name="candidate", actor=case.actor)
    assert tag_names(version) == ([] if case.allowed(MEMBER) else ["candidate"])


def test_it_lets_members_and_up_edit_a_version_description(case, org_admin):
    version = link_new(org_admin, case.registry)
    with case.expect(MEMBER, "Editing a description"):
        update_version_description(version=version, description=" tuned ", actor=case.actor)
    version.refresh_from_db()
    assert version.description == ("tuned" if case.allowed(MEMBER) else "")


# Behaviour.


def test_it_normalises_spaces_and_skips_tags_already_there(registry, member):
    version = link_new(member, registry)
    state = add_version_tags(version=version, names=["  needs   review ", "Gold"], actor=member)
    assert state.tags == ("Gold", "needs review")
    with CaptureQueriesContext(connection) as queries:
        again = add_version_tags(version=version, names=["gold", "NEEDS REVIEW"], actor=member)
    assert again.tags == ("Gold", "needs review")
    assert not [q for q in queries if q["sql"].startswith("INSERT")]
    assert tag_names(version) == ["Gold", "needs review"]


def test_a_tag_write_answers_the_state_a_fresh_read_gives(registry, member):
    version = link_new(member, registry, aliases=["best"])
    added = add_version_tags(version=version, names=["gold", "fp16"], actor=member)
    assert added == get_version_state(version.collection, version.index)
    removed = remove_version_tag(version=version, name="GOLD", actor=member)
    assert removed == get_version_state(version.collection, version.index)
    assert removed.tags == ("fp16",)


@pytest.mark.parametrize("tag", ["bad!", "x" * 129, "", "a/b"])
def test_it_refuses_a_malformed_tag_with_the_rule_and_adds_none(registry, member, tag):
    version = link_new(member, registry)
    with pytest.raises(Invalid, match=exactly(f"'{tag}' is not a valid tag: {TAG_RULE}.")):
        add_version_tags(version=version, names=["fine", tag], actor=member)
    assert tag_names(version) == []


def test_it_removes_a_tag_case_insensitively(registry, member):
    version = link_new(member, registry)
    add_version_tags(version=version, names=["Gold"], actor=member)
    remove_version_tag(version=version, name="GOLD", actor=member)
    assert tag_names(version) == []


def test_it_says_which_version_tag_is_missing(registry, member):
    version = link_new(member, registry)
    with pytest.raises(NotFound, match=exactly(TAG_NOT_FOUND.format(name="ghost"))):
        remove_version_tag(version=version, name="ghost", actor=member)


def test_tags_are_per_version(registry, member):
    v0 = link_new(member, registry)
    v1 = link_new(member, registry)
    add_version_tags(version=v0, names=["gold"], actor=member)
    add_version_tags(version=v1, names=["gold"], actor=member)
    assert VersionTag.objects.filter(name="gold").count() == 2


def test_it_refuses_tags_and_descriptions_on_an_unlinked_version(registry, member):
    version = link_new(member, registry)
    unlink_version(version=version, actor=member)
    gone = exactly("That version is no longer linked to 'zoo'.")
    with pytest.raises(NotFound, match=gone):
        add_version_tags(version=version, names=["gold"], actor=member)
    with pytest.raises(NotFound, match=gone):
        update_version_description(version=version, description="x", actor=member)
    assert not VersionTag.objects.exists()
