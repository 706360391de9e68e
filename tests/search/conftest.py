"""A small catalogue that every search test reads.

Model (organization registry; `production` protected):
  resnet-vision  tags: vision  description "Image classifier for product photos"
    v0 aliases: production          tags: best
    v1 aliases: production-eu, old  tags: baseline
  zoo
    v0 aliases: preproduction
Dataset (organization): flowers-dataset (type dataset), v0 aliases: production, tags: best
Secret (restricted; the stranger has no role): secret-zoo v0 aliases: production, hush-hush
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from registry.models import LinkedVersion, Registry
from registry.services import registries as registry_services
from registry.services.collections import add_collection_tags, update_collection_description
from registry.services.registries import create_protected_alias
from registry.services.tags import add_version_tags
from tests.factories import link_new


@dataclass
class Catalogue:
    model: Registry
    dataset: Registry
    secret: Registry
    resnet_v0: LinkedVersion
    resnet_v1: LinkedVersion
    zoo_v0: LinkedVersion
    flowers_v0: LinkedVersion
    secret_v0: LinkedVersion


@pytest.fixture
def catalogue(registry, restricted, org_admin, personas) -> Catalogue:
    dataset = Registry.objects.get(name="Dataset")
    create_protected_alias(registry=registry, name="production", actor=org_admin)
    resnet_v0 = link_new(org_admin, registry, "resnet-vision", aliases=["production"])
    resnet_v1 = link_new(org_admin, registry, "resnet-vision", aliases=["production-eu", "old"])
    collection = resnet_v0.collection
    update_collection_description(
        collection=collection, description="Image classifier for product photos", actor=org_admin
    )
    add_collection_tags(collection=collection, names=["vision"], actor=org_admin)
    add_version_tags(version=resnet_v0, names=["best"], actor=org_admin)
    add_version_tags(version=resnet_v1, names=["baseline"], actor=org_admin)
    zoo_v0 = link_new(org_admin, registry, "zoo", aliases=["preproduction"])
    flowers_v0 = link_new(
        org_admin, dataset, "flowers-dataset", aliases=["production"], type_="dataset"
    )
    add_version_tags(version=flowers_v0, names=["best"], actor=org_admin)
    secret_v0 = link_new(org_admin, restricted, "secret-zoo", aliases=["production", "hush-hush"])
    registry_services.update_registry(
        registry=restricted, description="Hush-hush models", actor=org_admin
    )
    return Catalogue(
        registry, dataset, restricted, resnet_v0, resnet_v1, zoo_v0, flowers_v0, secret_v0
    )
