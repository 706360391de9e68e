"""Which automations an event fires: scopes, alias filters, enabled switch, events."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.errors import NotFound
from registry.models import Automation, Delivery, EventType
from registry.services.aliases import add_alias, add_aliases_at, remove_alias
from registry.services.automation_settings import set_automation_enabled
from registry.services.linking import unlink_version
from tests.factories import link_new

pytestmark = pytest.mark.django_db


def fired() -> list[str]:
    return sorted(Delivery.objects.values_list("automation__name", flat=True))


def test_an_alias_filter_is_searched_in_the_alias(registry, member, make_automation):
    make_automation(name="starts-prod", alias_regex="^prod")
    make_automation(name="exactly-prod", alias_regex="^prod(uction)?$")
    version = link_new(member, registry)
    for alias in ["staging", "production-candidate", "Production", "preprod"]:
        add_alias(version=version, name=alias, actor=member)
    fired_for = sorted(Delivery.objects.values_list("automation__name", "payload__alias"), key=str)
    assert fired_for == [
        ("exactly-prod", "Production"),
        ("starts-prod", "Production"),
        ("starts-prod", "production-candidate"),
    ]


ALIASES = ["prod", "Production", "production-candidate", "preprod", "staging", "v-prod", "p"]


@pytest.mark.parametrize("pattern", ["prod(uction)?", "prod.*", "p|staging", "(?i)PROD", "a^|b"])
def test_the_migration_keeps_each_filter_selecting_the_same_aliases(
    registry, make_automation, pattern
):
    import importlib
    import re

    from django.apps import apps

    from registry.selectors.automations import alias_matches

    automation = make_automation(name="old", alias_regex=pattern)
    before = [a for a in ALIASES if re.fullmatch(pattern, a, re.IGNORECASE)]
    migration = importlib.import_module("registry.migrations.0009_alias_filters_are_searched")
    migration.anchor(apps, None)
    automation.refresh_from_db()
    flags = "(?i)" if pattern.startswith("(?i)") else ""
    assert automation.alias_regex == f"{flags}^(?:{pattern.removeprefix(flags)})$"
    assert [a for a in ALIASES if alias_matches(automation, a)] == before
    migration.unanchor(apps, None)
    automation.refresh_from_db()
    assert automation.alias_regex == pattern


def test_a_registry_scope_covers_collections_created_later(registry, member, make_automation):
    make_automation(name="everywhere")
    add_alias(version=link_new(member, registry, "brand-new"), name="staging", actor=member)
    assert fired() == ["everywhere"]


def test_a_collection_scope_ignores_other_collections(registry, member, make_automation):
    zoo = link_new(member, registry, "zoo")
    make_automation(name="zoo-only", collection=zoo.collection)
    add_alias(version=link_new(member, registry, "farm"), name="staging", actor=member)
    assert fired() == []
    add_alias(version=zoo, name="staging", actor=member)
    assert fired() == ["zoo-only"]


def test_a_disabled_automation_fires_nothing(registry, admin, member, make_automation):
    automation = make_automation(name="off")
    set_automation_enabled(automation=automation, enabled=False, actor=admin)
    add_alias(version=link_new(member, registry), name="staging", actor=member)
    assert fired() == []


def test_automations_of_other_registries_do_not_fire(
    registry, restricted, admin, member, make_automation
):
    make_automation(name="model-registry")
    restricted.accepted_types = ["model"]
    restricted.save()
    add_alias(version=link_new(member, restricted), name="staging", actor=member)
    assert fired() == []


def test_each_event_fires_its_own_automations(registry, member, make_automation):
    for event in [
        "LINK_ARTIFACT",
        "ADD_ARTIFACT_ALIAS",
        "REMOVE_ARTIFACT_ALIAS",
        "UNLINK_ARTIFACT",
    ]:
        make_automation(name=event.lower(), event=event)
    version = link_new(member, registry, aliases=["staging"])
    remove_alias(version=version, name="staging", actor=member)
    unlink_version(version=version, actor=member)
    events = list(Delivery.objects.order_by("id").values_list("event_type", flat=True))
    assert events == [
        "LINK_ARTIFACT",
        "ADD_ARTIFACT_ALIAS",
        "REMOVE_ARTIFACT_ALIAS",
        "UNLINK_ARTIFACT",
    ]


def test_an_unlink_payload_is_snapshotted_before_the_version_goes(
    registry, member, make_automation
):
    make_automation(
        name="gone",
        event="UNLINK_ARTIFACT",
        payload_template='{"v": "${artifact_version}", "acc": ${artifact_metadata.accuracy}}',
    )
    version = link_new(member, registry, "zoo")
    version.source.metadata = {"accuracy": 0.91}
    version.source.save()
    unlink_version(version=version, actor=member)
    assert Delivery.objects.get().payload == {"v": "v0", "acc": 0.91}


def test_an_event_without_matching_automations_costs_one_query(registry, member):
    version = link_new(member, registry)
    from registry.services import automations, events

    event = events.RegistryEvent(
        type=EventType.ADD_ARTIFACT_ALIAS,
        collection=version.collection,
        version=version,
        actor=member,
        alias="x",
    )
    with CaptureQueriesContext(connection) as queries:
        automations.on_events([event])
    assert len(queries) == 1


def test_matching_automations_cost_a_fixed_number_of_queries(registry, member, make_automation):
    version = link_new(member, registry)
    add_alias(version=version, name="warm-up", actor=member)  # caches, savepoints
    from registry.services import automations, events

    def count() -> int:
        event = events.RegistryEvent(
            type=EventType.ADD_ARTIFACT_ALIAS,
            collection=version.collection,
            version=version,
            actor=member,
            alias="y",
        )
        with CaptureQueriesContext(connection) as queries:
            automations.on_events([event])
        return len(queries)

    make_automation(name="one")
    count()  # the first delivery also queues the sweeper
    one = count()
    for n in range(9):
        make_automation(name=f"more-{n}")
    assert count() == one


def test_deleting_a_registry_takes_its_automations_and_destinations_along(
    org_admin, admin, member, make_automation, registry
):
    from registry.models import Automation, Registry, SlackDestination, WebhookEndpoint
    from registry.services import automation_settings, registries

    other = registries.create_registry(name="Temp", actor=org_admin, accepted_types=["model"])
    endpoint = automation_settings.create_endpoint(
        registry=other, name="ci", url="https://a.example/h", actor=org_admin
    )
    slack = automation_settings.create_slack(
        registry=other, channel="#x", url="https://hooks.slack.com/x", actor=org_admin
    )
    for action, target in [("webhook", {"endpoint": endpoint}), ("slack", {"slack": slack})]:
        automation_settings.create_automation(
            registry=other,
            actor=org_admin,
            name=action,
            event="LINK_ARTIFACT",
            action=action,
            **target,
        )
    add_alias(version=link_new(member, registry), name="keep", actor=member)
    Registry.objects.filter(pk=other.pk).delete()
    assert not Automation.objects.filter(registry_id=other.pk).exists()
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    assert not SlackDestination.objects.filter(pk=slack.pk).exists()


def test_switching_an_automation_deleted_meanwhile_is_not_found(registry, admin, make_automation):
    automation = make_automation(name="gone")
    Automation.objects.filter(pk=automation.pk).delete()
    with pytest.raises(NotFound, match="no longer exists"):
        set_automation_enabled(automation=automation, enabled=False, actor=admin)


@pytest.mark.parametrize(
    ("scope", "enabled", "fires"),
    [("registry", True, True), ("zoo", True, True), ("farm", True, False), ("zoo", False, False)],
)
def test_writes_by_name_read_automations_only_where_one_watches(
    registry, admin, member, make_automation, scope, enabled, fires
):
    """The API's writes lock the collection by name and learn from the lock whether any
    enabled automation covers it; only then do they read the automations."""
    zoo = link_new(member, registry, "zoo")
    farm = link_new(member, registry, "farm")
    collection = {"registry": None, "zoo": zoo.collection, "farm": farm.collection}[scope]
    automation = make_automation(name="watcher", collection=collection)
    if not enabled:
        set_automation_enabled(automation=automation, enabled=False, actor=admin)
    with CaptureQueriesContext(connection) as queries:
        add_aliases_at(
            registry=registry.name, collection="zoo", ref=zoo.index, names=["staging"], actor=member
        )
    read_automations = [
        q for q in queries if q["sql"].startswith('SELECT "registry_automation"."id"')
    ]
    assert fired() == (["watcher"] if fires else [])
    assert bool(read_automations) == (scope != "farm" and enabled)
