from __future__ import annotations

import pytest

from registry.errors import Forbidden, Invalid
from registry.models import AliasEvent
from registry.selectors import chips_for, latest_index, protected_names, resolve_version
from registry.services.aliases import add_alias, remove_alias
from registry.services.linking import link_version, unlink_version
from registry.services.registries import create_protected_alias
from tests.factories import link_new, make_source


def test_link_alias_move_and_unlink(registry, member, admin):
    v0 = link_new(member, registry, aliases=["candidate"])
    v1 = link_new(member, registry, aliases=["candidate", "latest"])
    assert (v0.index, v1.index) == (0, 1)
    assert resolve_version(v0.collection, "candidate") == v1
    event = AliasEvent.objects.first()
    assert (event.action, event.from_index, event.to_index) == ("move", 0, 1)
    create_protected_alias(registry=registry, name="production", actor=admin)
    with pytest.raises(Forbidden, match="'production' is a protected alias in registry 'Model'"):
        add_alias(version=v0, name="production", actor=member)
    add_alias(version=v0, name="Production", actor=admin)
    with pytest.raises(Forbidden, match="only registry admins can unlink it"):
        unlink_version(version=v0, actor=member)
    unlink_version(version=v1, actor=member)
    assert latest_index(v0.collection) == 0
    v2 = link_new(member, registry)
    assert v2.index == 2
    chips = chips_for(v2, latest=2, protected=protected_names(registry))
    assert [(c.name, c.kind) for c in chips] == [("latest", "default"), ("v2", "default")]
    with pytest.raises(Invalid, match="default alias"):
        remove_alias(version=v2, name="latest", actor=member)


def test_link_refuses_unaccepted_type(registry, member):
    source = make_source(member, type_="dataset", name="zoo_dataset")
    with pytest.raises(Invalid, match="accepts only 'model'"):
        link_version(registry=registry, collection_name="zoo", source=source, actor=member)
