from __future__ import annotations

from registry.models import Collection
from registry.selectors import protected_names  # noqa: F401  (re-exported for services)


def lock_collection(collection_id: int) -> Collection:
    """Lock the collection row: every alias and link write in a collection is serialised.

    On PostgreSQL this is SELECT … FOR UPDATE; on SQLite the IMMEDIATE transaction mode
    already holds the database write lock from BEGIN.
    """
    return Collection.objects.select_for_update().select_related("registry").get(pk=collection_id)
