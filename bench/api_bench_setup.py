"""Data for bench/api_bench.py: a user with an API key, a collection, sources to link.

Run by api_bench.py with the benchmark's DATABASE_URL; prints the names as JSON.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry_site.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from registry import permissions  # noqa: E402
from registry.models import Registry  # noqa: E402
from registry.services import artifacts  # noqa: E402
from registry.services.api_keys import create_api_key  # noqa: E402
from registry.services.linking import link_version  # noqa: E402
from registry.services.registries import (  # noqa: E402
    create_protected_alias,
    create_registry,
    set_role,
)
from registry.storage import store_bytes  # noqa: E402


def main(sources: int) -> None:
    User = get_user_model()
    root = User.objects.filter(username="bench-admin").first() or User.objects.create_superuser(
        "bench-admin", "bench-admin@example.com", secrets.token_urlsafe(16)
    )
    # The pipeline's account: a registry Member, as a real deployment would use.
    user = User.objects.filter(username="bench").first() or User.objects.create_user(
        "bench", "bench@example.com", secrets.token_urlsafe(16)
    )
    _, key = create_api_key(user=user, name="benchmark")
    # A registry of its own: the demo's Model registry gates `production` (a finished run,
    # an accuracy floor), which the benchmark's sources do not meet and need not.
    registry = Registry.objects.filter(name="Bench").first() or create_registry(
        name="Bench", actor=root, description="Benchmark data"
    )
    set_role(registry=registry, user=user, role=permissions.MEMBER, actor=root)
    if "production" not in {p.name for p in registry.protected_aliases.all()}:
        create_protected_alias(registry=registry, name="production", actor=root)
    tag = secrets.token_hex(3)
    team = artifacts.get_or_create_team(name="bench", actor=user)
    project = artifacts.get_or_create_project(team=team, name=f"p-{tag}", actor=user)

    def source(i: int):
        blob = store_bytes(f"bench {tag} {i}".encode())
        version, _ = artifacts.log_artifact_version(
            project=project,
            name="model",
            type_="model",
            actor=user,
            metadata={"i": i, "accuracy": 0.9},
            manifest=[artifacts.ManifestEntry("model.bin", blob.sha256, blob.size)],
        )
        return version

    collection = f"bench-{tag}"
    for i, aliases in enumerate([["production", "candidate"], ["staging"]]):
        link_version(
            registry=registry,
            collection_name=collection,
            source=source(i),
            aliases=aliases,
            actor=root,
        )
    to_link = [source(2 + i).index for i in range(sources)]
    print(
        json.dumps(
            {
                "key": key,
                "registry": registry.name,
                "collection": collection,
                "link_collection": f"{collection}-links",
                "entity": "bench",
                "project": project.name,
                "artifact": "model",
                "sources": to_link,
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
