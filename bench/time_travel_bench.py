"""Time travel and compare, measured on a seeded database.

Usage (the database filled with `manage.py seed_bulk --versions N` first; the script adds
a "hot" collection whose `production` moved HOT_MOVES times, and two versions of
COMPARE_FILES files, the first time it runs on a database):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_tt bench/time_travel_bench.py

1. Resolving at a moment (`selectors.resolve.resolve_at`, the API's `?at=`) against
   resolving the current alias (`selectors.resolve.resolve`, the API's poll), both as a
   signed-in non-admin user, on the same aliases: seeded ones (ten history rows per
   collection) and the hot one. Each `at` sample is paired with a current sample taken
   right after it, so both see the same load from whatever else runs on the machine.
2. Comparing two versions of COMPARE_FILES files: `compare_versions`, `compare_summary`,
   and the whole compare page through Django's test client (first page of the files,
   the first 50 text diffs).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOT_MOVES = 100_000
HOT_VERSIONS = 1000
COMPARE_FILES = 10_000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry_site.settings")
    os.environ["DEBUG"] = "0"  # its query log would add to every timing
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 32)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()


def hot_collection(user):
    """Model/tt-hot: HOT_VERSIONS versions and `production` moved HOT_MOVES times among
    them, a minute apart, written in bulk as the services would leave them."""
    from django.utils import timezone

    from registry.models import (
        Alias,
        AliasEvent,
        Artifact,
        ArtifactVersion,
        Collection,
        LinkedVersion,
        LinkRecord,
        Project,
        Registry,
        Team,
    )

    registry = Registry.objects.get(name="Model")
    found = Collection.objects.filter(registry=registry, name="tt-hot").first()
    if found is not None:
        return found
    print(f"seeding Model/tt-hot: {HOT_VERSIONS} versions, {HOT_MOVES:,} moves…", file=sys.stderr)
    team, _ = Team.objects.get_or_create(name="bench")
    project, _ = Project.objects.get_or_create(team=team, name="bench")
    artifact = Artifact.objects.create(project=project, name="tt-hot", type="model")
    start = timezone.now() - timedelta(minutes=HOT_MOVES + 10)
    sources = ArtifactVersion.objects.bulk_create(
        ArtifactVersion(artifact=artifact, index=i, digest=f"{i:064x}") for i in range(HOT_VERSIONS)
    )
    coll = Collection.objects.create(
        registry=registry, name="tt-hot", type="model", next_index=HOT_VERSIONS
    )
    versions = LinkedVersion.objects.bulk_create(
        LinkedVersion(collection=coll, index=i, source=s) for i, s in enumerate(sources)
    )
    LinkedVersion.objects.filter(collection=coll).update(linked_at=start)
    LinkRecord.objects.bulk_create(
        LinkRecord(collection=coll, index=v.index, source_id=v.source_id, linked_at=start)
        for v in versions
    )
    rng = random.Random(7)
    holder, batch = None, []
    for minute in range(HOT_MOVES):
        target = versions[rng.randrange(HOT_VERSIONS)]
        if holder is not None and target.index == holder.index:
            target = versions[(target.index + 1) % HOT_VERSIONS]
        batch.append(
            AliasEvent(
                collection=coll,
                alias="production",
                action="add" if holder is None else "move",
                from_index=holder.index if holder else None,
                from_version=holder,
                to_index=target.index,
                to_version=target,
                actor=user,
                created_at=start + timedelta(minutes=minute + 1),
            )
        )
        holder = target
        if len(batch) == 10_000:
            _bulk_events(batch)
            batch = []
    _bulk_events(batch)
    Alias.objects.create(collection=coll, version=holder, name="production", created_by=user)
    _analyze()
    return coll


def _analyze() -> None:
    """Fresh planner statistics after a bulk load (autovacuum would gather them, later)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _bulk_events(batch) -> None:
    """bulk_create without auto_now_add overwriting the seeded times."""
    from registry.models import AliasEvent

    field = AliasEvent._meta.get_field("created_at")
    field.auto_now_add = False
    try:
        AliasEvent.objects.bulk_create(batch)
    finally:
        field.auto_now_add = True


def measure_resolve(user, repeat: int) -> dict:
    from django.utils import timezone

    from registry.models import Alias, AliasEvent
    from registry.selectors import resolve as resolving
    from registry.selectors.registries import visible_registries

    now = timezone.now()
    rng = random.Random(11)
    visible = visible_registries(user)
    seeded = list(
        Alias.objects.filter(collection__registry__in=visible)
        .exclude(collection__name="tt-hot")
        .select_related("collection__registry")
        .order_by("id")[:: max(1, Alias.objects.count() // 200)][:100]
    )
    cases = {"seeded alias": [], "seeded latest": [], "hot alias (100k moves)": []}
    for alias in seeded:
        first = (
            AliasEvent.objects.filter(collection=alias.collection, alias=alias.name)
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        coll = alias.collection
        cases["seeded alias"].append((coll.registry.name, coll.name, alias.name, first))
        cases["seeded latest"].append((coll.registry.name, coll.name, "latest", first))
    hot = hot_collection(user)
    first = AliasEvent.objects.filter(collection=hot).order_by("created_at").first().created_at
    cases["hot alias (100k moves)"] = [("Model", "tt-hot", "production", first)] * 50

    results = {}
    for name, refs in cases.items():
        at_ms, now_ms = [], []
        for reg, coll, ref, _since in refs[:5]:  # warm-up: compile both statements
            resolving.resolve(user, reg, coll, ref)
            resolving.resolve_at(user, reg, coll, ref, now)
        for turn in range(repeat * 4):
            reg, coll, ref, since = refs[turn % len(refs)]
            moment = since + (now - since) * rng.random()
            args = (user, reg, coll, ref)
            at_ms.append(timed(lambda args=args, m=moment: resolving.resolve_at(*args, m)))
            now_ms.append(timed(lambda args=args: resolving.resolve(*args)))
        results[name] = {
            "at_p50": statistics.median(at_ms),
            "at_p95": percentile(at_ms, 95),
            "now_p50": statistics.median(now_ms),
            "now_p95": percentile(now_ms, 95),
        }
    return results


def explain(user) -> None:
    """The plan of one resolve at a moment (PostgreSQL), to show which indexes serve it."""
    from django.db import connection
    from django.utils import timezone

    from registry.selectors import resolve as resolving

    if connection.vendor != "postgresql":
        return
    at = connection.ops.adapt_datetimefield_value(timezone.now() - timedelta(days=3))
    for kind, ref in (("alias", "production"), ("latest", "")):
        names = ("registry", "collection", "at") + (("ref",) if ref else ())
        query = resolving.compiled(f"resolve-at:{kind}", partial(resolving._at_query, kind), *names)
        params = list(query.params)
        values = {"registry": "Model", "collection": "tt-hot", "at": at, "ref": ref}
        for index, name in query.slots:
            params[index] = values[name]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + query.sql, params)
            plan = [row[0] for row in cursor.fetchall()]
        print(f"\n-- plan of resolve_at({kind}) on Model/tt-hot --")
        print("\n".join(line for line in plan if "Index" in line or "Execution" in line))


def compare_pair(user):
    """Two versions of COMPARE_FILES files in Model/tt-compare: 60 % unchanged, 30 %
    changed, 5 % removed, 5 % added; small text files (so the page reads their diffs)."""
    from registry.models import Collection, LinkedVersion
    from registry.services import artifacts
    from registry.services.linking import link_version
    from registry.storage import store_bytes

    coll = Collection.objects.filter(registry__name="Model", name="tt-compare").first()
    if coll is not None:
        return list(LinkedVersion.objects.filter(collection=coll).order_by("index"))
    print(f"seeding Model/tt-compare: two versions of {COMPARE_FILES:,} files…", file=sys.stderr)
    team = artifacts.get_or_create_team(name="bench", actor=user)
    project = artifacts.get_or_create_project(team=team, name="bench", actor=user)
    from registry.models import Registry

    registry = Registry.objects.get(name="Model")
    linked = []
    for side in (0, 1):
        manifest = []
        for i in range(COMPARE_FILES):
            bucket = i % 20
            if (side == 0 and bucket == 19) or (side == 1 and bucket == 18):
                continue  # removed in v1 / added in v1
            changed = side == 1 and bucket in range(12, 18)
            text = f"file {i}\nsetting: {i % 7}\nvalue: {i * (2 if changed else 1)}\n"
            blob = store_bytes(text.encode())
            manifest.append(
                artifacts.ManifestEntry(f"configs/{i:05d}.yaml", blob.sha256, blob.size)
            )
        source, _ = artifacts.log_artifact_version(
            project=project,
            name="tt-compare",
            type_="model",
            actor=user,
            manifest=manifest,
            metadata={"train": {"lr": 0.1 / (side + 1), "epochs": 10}, "side": side},
        )
        version, _ = link_version(
            registry=registry, collection_name="tt-compare", source=source, actor=user
        )
        linked.append(version)
    return linked


def measure_compare(user, repeat: int) -> dict:
    from django.test import Client

    from registry.selectors.compare import compare_summary, compare_versions

    a, b = compare_pair(user)
    result = compare_versions(a, b)
    client = Client()
    client.force_login(user)
    url = f"/registries/Model/tt-compare/compare/v{a.index}...v{b.index}/"
    assert client.get(url).status_code == 200
    runs = max(5, repeat // 4)
    full = [timed(lambda: compare_versions(a, b)) for _ in range(runs)]
    summary = [timed(lambda: compare_summary(a, b)) for _ in range(runs)]
    page = [timed(lambda: client.get(url)) for _ in range(runs)]
    return {
        "counts": vars(result.file_counts),
        "compare_p50": statistics.median(full),
        "summary_p50": statistics.median(summary),
        "page_p50": statistics.median(page),
        "page_max": max(page),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--skip-compare", action="store_true")
    args = parser.parse_args()
    setup()
    from django.contrib.auth import get_user_model

    from registry.models import AliasEvent, LinkedVersion

    User = get_user_model()
    user, _ = User.objects.get_or_create(username="bench-user")
    admin = User.objects.filter(username="bench-admin").first() or User.objects.create_superuser(
        "bench-admin", "bench-admin@example.com", None
    )
    hot_collection(admin)
    resolve = measure_resolve(user, args.repeat)
    print(
        f"\n== {LinkedVersion.objects.count():,} linked versions, "
        f"{AliasEvent.objects.count():,} alias history rows =="
    )
    print(
        f"{'case':26} {'at p50':>8} {'at p95':>8} {'now p50':>8} {'now p95':>8} {'p95 at/now':>11}"
    )
    for name, r in resolve.items():
        print(
            f"{name:26} {r['at_p50']:8.3f} {r['at_p95']:8.3f} {r['now_p50']:8.3f} "
            f"{r['now_p95']:8.3f} {r['at_p95'] / r['now_p95']:10.2f}x"
        )
    explain(user)
    if not args.skip_compare:
        c = measure_compare(admin, args.repeat)
        print(f"\n== compare two versions of {COMPARE_FILES:,} files: {c['counts']} ==")
        print(f"compare_versions p50 {c['compare_p50']:.1f} ms")
        print(f"compare_summary  p50 {c['summary_p50']:.1f} ms")
        print(f"compare page     p50 {c['page_p50']:.1f} ms (max {c['page_max']:.1f} ms)")


if __name__ == "__main__":
    main()
