"""`manage.py seed_demo`: demo users and content once, credentials printed."""

from __future__ import annotations

import re
from io import StringIO

from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from registry import permissions
from registry.models import (
    Alias,
    AliasEvent,
    Collection,
    LinkedVersion,
    PromotionRequest,
    ProtectedAlias,
    Registry,
)


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_creates_users_and_content_and_prints_working_credentials(db):
    output = seed()
    credentials = dict(re.findall(r"username: (\S+)\s+password: (\S+)", output))
    assert sorted(credentials) == ["admin", "alice", "bob"]
    for username, password in credentials.items():
        assert authenticate(username=username, password=password).get_username() == username
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    assert sorted(Registry.objects.values_list("name", flat=True)) == [
        "Dataset",
        "Model",
        "Research",
        "Zoo_Classifier_Models",
    ]
    zoo = Collection.objects.get(registry__name="Model", name="zoo_classifier")
    assert zoo.versions.count() == 4
    aliases = dict(Alias.objects.filter(collection=zoo).values_list("name", "version__index"))
    assert aliases == {"production": 2, "staging": 2, "best_model": 3}
    assert AliasEvent.objects.filter(collection=zoo, action="move").count() == 1
    assert set(ProtectedAlias.objects.values_list("name", flat=True)) == {"production", "staging"}
    request = PromotionRequest.objects.get()
    assert (request.alias, request.version.index, request.from_index, request.status) == (
        "staging",
        3,
        2,
        "pending",
    )
    research = Registry.objects.get(name="Research")
    bob = get_user_model().objects.get(username="bob")
    alice = get_user_model().objects.get(username="alice")
    assert permissions.role_of(bob, research) == "viewer"
    assert permissions.role_of(alice, research) is None


def test_a_second_run_changes_nothing(db):
    seed()
    counts = (get_user_model().objects.count(), LinkedVersion.objects.count())
    output = seed()
    assert output.strip() == "Users exist already; no demo content created."
    assert (get_user_model().objects.count(), LinkedVersion.objects.count()) == counts
