"""`Api().registries()`, `.registry()`, `.create_registry()` and collection edits, live."""

from __future__ import annotations

from itertools import islice

import pytest
import registry_sdk as wandb

from registry.models import Collection, Registry
from registry.services.linking import link_version
from registry.services.tags import add_version_tags
from tests.factories import link_new, make_source
from tests.sdk.conftest import live


@pytest.fixture
def models(registry, restricted, admin):
    """zoo v0 (acc 0.5, staging), zoo v1 (acc 0.95, best, tag prod); Secret/hidden v0."""
    made = []
    for acc, alias in ((0.5, "staging"), (0.95, "best")):
        source = make_source(admin, name=f"zoo-{alias}", metadata={"acc": acc})
        linked, _ = link_version(
            registry=registry, collection_name="zoo", source=source, aliases=[alias], actor=admin
        )
        made.append(linked)
    add_version_tags(version=made[1], names=["prod"], actor=admin)
    link_new(admin, restricted, "hidden", aliases=["best"])
    return made


@live
def test_registries_filter_by_regex_and_hide_restricted_ones(sdk_as, stranger, viewer, models):
    sdk_as(stranger)
    api = wandb.Api()
    assert [r.name for r in api.registries(filter={"name": {"$regex": "^[MS]"}})] == ["Model"]
    sdk_as(viewer)
    found = wandb.Api().registries(filter={"name": {"$regex": "^[MS]"}})
    assert sorted(r.full_name for r in found) == ["wandb-registry-Model", "wandb-registry-Secret"]


@live
def test_versions_across_registries_match_or_filters(sdk_as, viewer, models, tmp_path):
    sdk_as(viewer)
    api = wandb.Api()
    found = list(
        api.registries(filter={"name": {"$regex": "Mod"}}).versions(
            filter={"$or": [{"tag": "prod"}, {"alias": "staging"}]}
        )
    )
    assert sorted((a.collection, a.version) for a in found) == [("zoo", "v0"), ("zoo", "v1")]
    [best] = api.registry("wandb-registry-Model").versions(filter={"metadata.acc": {"$gt": 0.9}})
    assert (best.version, best.aliases, best.tags) == ("v1", ["best", "latest"], ["prod"])
    root = best.download(root=str(tmp_path / "dl"))
    assert (tmp_path / "dl" / "weights.bin").is_file() and root == str(tmp_path / "dl")


@live
def test_collections_then_versions_narrow_step_by_step(sdk_as, viewer, models):
    sdk_as(viewer)
    collections = wandb.Api().registries().collections(filter={"name": {"$in": ["zoo", "hidden"]}})
    assert sorted(c.full_name for c in collections) == [
        "wandb-registry-Model/zoo",
        "wandb-registry-Secret/hidden",
    ]
    versions = wandb.Api().registries().collections(filter={"name": "hidden"}).versions()
    assert [(a.registry, a.aliases) for a in versions] == [("Secret", ["best", "latest"])]


@live
def test_iteration_is_lazy_and_resumes_from_a_cursor(sdk_as, viewer, registry, admin):
    for index in range(5):
        link_new(admin, registry, f"c{index}")
    sdk_as(viewer)
    collections = wandb.Api().registry("Model").collections(per_page=2)
    first = [c.name for c in islice(collections, 2)]
    assert len(collections.objects) == 2  # only the first page was fetched
    rest = wandb.Api().registry("Model").collections(per_page=2, start=collections.cursor)
    assert sorted(first + [c.name for c in rest]) == [f"c{i}" for i in range(5)]


@live
def test_a_bad_filter_is_refused_with_what_is_allowed(sdk_as, viewer, registry):
    sdk_as(viewer)
    with pytest.raises(wandb.ValidationError, match=r"Unknown field 'colour'.*allowed: tag"):
        list(wandb.Api().registry("Model").versions(filter={"colour": "red"}))
    with pytest.raises(wandb.UsageError, match="order is not supported"):
        wandb.Api().registries(order="+name")


@live
def test_org_admins_create_registries_and_admins_save_them(sdk_as, org_admin, admin, registry):
    sdk_as(admin)
    with pytest.raises(wandb.PermissionDenied, match="organization admin"):
        wandb.Api().create_registry("Vision", visibility="restricted")
    sdk_as(org_admin)
    created = wandb.Api().create_registry(
        "wandb-registry-Vision",
        visibility="restricted",
        description="Image models",
        artifact_types=["model", "dataset"],
    )
    assert (created.name, created.visibility, created.artifact_types) == (
        "Vision",
        "restricted",
        ["model", "dataset"],
    )
    assert Registry.objects.get(name="Vision").description == "Image models"

    reg = wandb.Api().registry("Vision")
    reg.description = "Vision models"
    reg.artifact_types.append("code")
    reg.save()
    assert wandb.Api().registry("Vision").artifact_types == ["model", "dataset", "code"]
    reg.artifact_types.remove("model")
    with pytest.raises(wandb.ValidationError, match="can only be added"):
        reg.save()


@live
def test_collection_edits_save_and_delete(sdk_as, member, models):
    sdk_as(member)
    api = wandb.Api()
    assert api.artifact_exists("wandb-registry-Model/zoo:best")
    assert not api.artifact_exists("wandb-registry-Model/zoo:nope")
    collection = api.artifact_collection("model", "wandb-registry-Model/zoo")
    assert collection.aliases == ["best", "staging"]
    collection.description = "Animals"
    collection.tags.append("vision")
    collection.save()
    stored = Collection.objects.get(name="zoo")
    assert (stored.description, [t.name for t in stored.tags.all()]) == ("Animals", ["vision"])
    collection.tags.remove("vision")
    collection.save()
    assert not stored.tags.exists()
    collection.delete()
    assert not api.artifact_collection_exists("wandb-registry-Model/zoo", "model")
