"""The query API's statement count does not grow with the rows on a page."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from registry.models import Registry
from registry.services import registries
from registry.services.tags import add_version_tags
from tests.api.conftest import client_for
from tests.budgets.test_alias_budgets import counted
from tests.factories import link_new

pytestmark = pytest.mark.django_db(transaction=True)

VERSIONS = "%7B%22metadata.acc%22%3A%7B%22%24exists%22%3Afalse%7D%7D"  # {"metadata.acc": …}
URLS = [
    "/api/v1/query/registries?per_page=100",
    "/api/v1/query/collections?per_page=100",
    f"/api/v1/query/versions?per_page=100&filter={VERSIONS}",
]


def grow(url: str, org_admin, viewer, registry, first: int, count: int) -> None:
    for n in range(first, first + count):
        if "registries" in url:
            visibility = Registry.Visibility.RESTRICTED if n % 2 else "organization"
            made = registries.create_registry(
                name=f"R{n}", actor=org_admin, visibility=visibility, accepted_types=["model"]
            )
            registries.set_role(registry=made, user=viewer, role="viewer", actor=org_admin)
            continue
        version = link_new(org_admin, registry, f"c{n}", aliases=[f"a{n}"])
        add_version_tags(version=version, names=[f"t{n}"], actor=org_admin)


@pytest.mark.parametrize("url", URLS)
def test_a_page_costs_the_same_for_two_rows_or_ten(registry, org_admin, viewer, url):
    ContentType.objects.get_for_model(Registry)  # a warm process has it cached
    api = client_for(viewer)
    grow(url, org_admin, viewer, registry, 0, 2)
    api.get(url)  # the key's last use is stamped (at most once a minute)
    few, few_sql = counted(lambda: api.get(url))
    grow(url, org_admin, viewer, registry, 2, 8)
    many, many_sql = counted(lambda: api.get(url))
    assert few.status_code == many.status_code == 200
    assert len(many.json()["items"]) > len(few.json()["items"])
    assert len(many_sql) == len(few_sql), "\n".join(many_sql)
