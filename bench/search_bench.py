"""Search latency at two scales, as p50/p95 and as a ratio to resolving one alias.

Usage (each database filled with `manage.py seed_bulk --versions N` first):

    bench/search_bench.py --db postgres://postgres@127.0.0.1:5432/bench_10k \
                          --db postgres://postgres@127.0.0.1:5432/bench_1m

Each --db is measured in its own process (Django binds one database per process). The
searches run through the selector `registry.selectors.search.search` as a signed-in non-admin user
(so the visibility filter applies; one bench registry is restricted), 20 queries in five
kinds, each repeated --repeat times after a warm-up. The baseline is
`selectors.versions.get_version_state` on aliases of the same data. Prints one table per database
and, with two or more, the growth from the first to the last.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERY_KINDS = {
    "alias exact": ["production", "staging", "champion", "{unique_alias}", "alias:production"],
    "alias prefix": ["prod", "stag", "cham", "{unique_prefix}"],
    "tag": ["tag:best", "tag:fp16", "quantized", "{ticket}"],
    "collection substring": ["vision", "bert", "net-", "caption", "registry:bench-nlp resnet"],
    "no hit": ["zzqxv", "nothing-here-xyz"],
}
# The live results under the search bar: the best 3 per group, no count.
LIVE_QUERIES = ["prod", "tag:best", "vision", "exp-", "zzqxv"]
# Advanced searches (filter rows, as the page sends them): {newest} and {day_before} are
# dates near the newest version, {oldest} and {day_after} near the oldest.
ADVANCED_KINDS = {
    "advanced metadata range": [
        (
            "versions",
            [("metadata", "gte", "0.9", "accuracy"), ("metadata", "lt", "0.95", "accuracy")],
        ),
        ("versions", [("metadata", "gt", "97", "epochs")]),
    ],
    "advanced date range": [
        ("versions", [("created_at", "gte", "{day_before}"), ("created_at", "lt", "{newest}")]),
        ("versions", [("created_at", "gte", "{oldest}"), ("created_at", "lt", "{day_after}")]),
        ("collections", [("created_at", "gte", "{day_before}")]),
    ],
    "advanced tag + alias": [
        ("versions", [("tag", "eq", "best"), ("alias", "eq", "production")]),
        ("versions", [("tag", "eq", "fp16"), ("alias", "in", "staging, champion")]),
    ],
}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(repeat: int) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry_site.settings")
    # DEBUG off: its query log would add to every timing. The key only has to exist.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 32)
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Max, Min
    from django.test.utils import CaptureQueriesContext

    from registry.models import Alias, LinkedVersion, VersionTag
    from registry.selectors.advanced_search import AdvancedQuery, FilterRow, run
    from registry.selectors.registries import visible_registries
    from registry.selectors.search import search
    from registry.selectors.versions import get_version_state

    user, _ = get_user_model().objects.get_or_create(username="bench-user")
    visible = visible_registries(user)
    aliases = list(
        Alias.objects.filter(collection__registry__in=visible, name__startswith="exp-")
        .select_related("collection")
        .order_by("id")[:: max(1, Alias.objects.count() // 400)][:50]
    )
    if not aliases:
        raise SystemExit("No data: run `manage.py seed_bulk --versions N` on this database.")
    ticket = VersionTag.objects.filter(name__startswith="ticket-").order_by("id").first().name
    span = LinkedVersion.objects.aggregate(newest=Max("linked_at"), oldest=Min("linked_at"))
    fill = {
        "unique_alias": aliases[0].name,
        "unique_prefix": aliases[0].name[:7],
        "ticket": ticket,
        "newest": span["newest"].isoformat(),
        "day_before": (span["newest"] - timedelta(days=1)).isoformat(),
        "oldest": span["oldest"].isoformat(),
        "day_after": (span["oldest"] + timedelta(days=1)).isoformat(),
    }

    def advanced(kind, rows):
        filled = [FilterRow(a, o, v.format(**fill), *key) for a, o, v, *key in rows]
        advanced_query = AdvancedQuery(kind=kind, rows=filled)
        label = f"{kind}: " + " & ".join(f"{r.field} {r.operator} {r.value[:10]}" for r in filled)
        return label, lambda: _Counted(run(user, advanced_query))

    class _Counted:
        def __init__(self, results):
            self.count = len(results.hits)
            self.count_is_exact = results.next_cursor is None
            if results.error:
                raise SystemExit(results.error)

    def text(q):
        return q, lambda: search(user, q)

    cases = {
        kind: [text(t.format(**fill)) for t in templates] for kind, templates in QUERY_KINDS.items()
    }
    cases["live (3 per group)"] = [
        (f"live {q}", lambda q=q: search(user, q, per_group=3)) for q in LIVE_QUERIES
    ]
    for kind, queries_ in ADVANCED_KINDS.items():
        cases[kind] = [advanced(k, rows) for k, rows in queries_]

    def timed(fn) -> float:
        start = time.perf_counter()
        fn()
        return (time.perf_counter() - start) * 1000

    # Baseline: resolving one alias (the cheapest useful read). Each search sample is
    # paired with a resolve sample taken right after it, so both see the same load from
    # whatever else runs on the machine.
    for a in aliases[:5]:
        get_version_state(a.collection, a.name)
    resolve_all = []
    kinds, queries = {}, {}
    turn = 0
    for kind, kind_cases in cases.items():
        samples, resolves = [], []
        for q, fn in kind_cases:
            for _ in range(3):
                fn()
            with_q, res_q = [], []
            for _ in range(repeat):
                a = aliases[turn % len(aliases)]
                turn += 1
                with_q.append(timed(fn))
                res_q.append(timed(lambda a=a: get_version_state(a.collection, a.name).version))
            with CaptureQueriesContext(connection) as captured:
                results = fn()
            queries[q] = {
                "kind": kind,
                "p50": statistics.median(with_q),
                "p95": percentile(with_q, 95),
                "resolve_p50": statistics.median(res_q),
                "hits": results.count,
                "exact": results.count_is_exact,
                "sql": len(captured.captured_queries),
            }
            samples += with_q
            resolves += res_q
        kinds[kind] = {
            "p50": statistics.median(samples),
            "p95": percentile(samples, 95),
            "resolve_p50": statistics.median(resolves),
        }
        resolve_all += resolves
    resolve_p50 = statistics.median(resolve_all)
    resolve = resolve_all
    return {
        "versions": LinkedVersion.objects.count(),
        "aliases": Alias.objects.count(),
        "resolve_p50": resolve_p50,
        "resolve_p95": percentile(resolve, 95),
        "kinds": kinds,
        "queries": queries,
    }


def report(result: dict) -> None:
    base = result["resolve_p50"]
    print(
        f"\n== {result['versions']:,} linked versions, {result['aliases']:,} aliases "
        f"(get_version_state p50 {base:.2f} ms, p95 {result['resolve_p95']:.2f} ms) =="
    )
    print(f"{'query':48} {'kind':24} {'p50 ms':>8} {'p95 ms':>8} {'p95/resolve':>12} hits  SQL")
    for q, r in result["queries"].items():
        hits = f"{r['hits']}{'' if r['exact'] else '+'}"
        print(
            f"{q[:48]:48} {r['kind']:24} {r['p50']:8.2f} {r['p95']:8.2f} "
            f"{r['p95'] / r['resolve_p50']:11.1f}x {hits:>5} {r['sql']:>4}"
        )
    print(f"{'per kind':73} {'p50 ms':>8} {'p95 ms':>8} {'p95/resolve':>12}")
    for kind, r in result["kinds"].items():
        print(f"{kind:73} {r['p50']:8.2f} {r['p95']:8.2f} {r['p95'] / r['resolve_p50']:11.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", help="database URL (repeat for each scale)")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.repeat)))
        return
    results = []
    for url in args.db or [os.environ.get("DATABASE_URL", "")]:
        env = {**os.environ, "DATABASE_URL": url}
        out = subprocess.run(
            [sys.executable, __file__, "--child", "--repeat", str(args.repeat)],
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
        report(results[-1])
    if len(results) > 1:
        small, large = results[0], results[-1]
        print(f"\n== growth {small['versions']:,} -> {large['versions']:,} versions ==")
        print(
            f"{'kind':24} {'p95 small':>10} {'p95 large':>10} {'large/small':>12}",
            f"{'p95/resolve small->large':>26} {'normalised growth':>18}",
        )
        for kind in large["kinds"]:
            a, b = small["kinds"][kind]["p95"], large["kinds"][kind]["p95"]
            rel_a = a / small["kinds"][kind]["resolve_p50"]
            rel_b = b / large["kinds"][kind]["resolve_p50"]
            print(
                f"{kind:24} {a:10.2f} {b:10.2f} {b / a:11.2f}x",
                f"{rel_a:15.1f}x -> {rel_b:5.1f}x {rel_b / rel_a:17.2f}x",
            )


if __name__ == "__main__":
    main()
