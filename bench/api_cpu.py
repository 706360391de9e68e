"""CPU per API request, in process: what one move, link or resolve costs the server.

No sockets, no gunicorn: Django's test client calls the app in this process, so the
figure is the application's own CPU (routing, auth, reads, writes, JSON) with the
database's time counted only as far as the client library spends CPU on it. Prints the
median of `--rounds` rounds of `--count` requests per scenario, in ms of CPU and wall
time, and the SQL queries of one request.

    .venv/bin/python bench/api_cpu.py [--database-url URL] [--count 300] [--rounds 5]
                                      [--profile "move alias"] [--sql "move alias"]

Without --database-url it uses a fresh SQLite file in a temporary folder (migrated here).
`--profile NAME` prints cProfile's top functions (cumulative CPU time) for that scenario;
`--sql NAME` the statements one of its requests sends.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def prepare(database_url: str, workdir: Path, sources: int) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY", secrets.token_urlsafe(40)),
        "REGISTRY_DATA_DIR": str(workdir / "data"),
        "MEDIA_ROOT": str(workdir / "data" / "media"),
    }
    os.environ.update(env)
    py = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run(
        [py, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(
        [py, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    out = subprocess.run(
        [py, "bench/api_bench_setup.py", str(sources)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def scenarios(data: dict) -> dict:
    base = f"/api/v1/registries/{data['registry']}/collections/{data['collection']}/versions"
    link_url = (
        f"/api/v1/registries/{data['registry']}/collections/{data['link_collection']}/versions"
    )
    sources = iter(data["sources"])

    def move(i):
        target = "v1" if i % 2 == 0 else "v0"
        return "post", f"{base}/{target}/aliases", {"name": "candidate"}, 200

    def link(i):
        source = {
            "entity": data["entity"],
            "project": data["project"],
            "artifact": data["artifact"],
            "version": f"v{next(sources)}",
        }
        return "post", link_url, {"source": source, "aliases": []}, 201

    def resolve(i):
        return "get", f"{base}/production", None, 200

    def revalidate(i):
        return "get", f"{base}/production", None, 304

    def healthz(i):
        return "get", "/healthz/", None, 200

    return {
        "healthz": healthz,
        "resolve :production": resolve,
        "304 revalidation": revalidate,
        "move alias": move,
        "link": link,
    }


ETAGS: dict[str, str] = {}  # url -> the ETag a 304 scenario revalidates


def call(client, scenario, i):
    method, url, body, expect = scenario(i)
    if expect == 304:
        if url not in ETAGS:
            ETAGS[url] = client.get(url)["ETag"]
        response = client.get(url, HTTP_IF_NONE_MATCH=ETAGS[url])
    elif body is None:
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(url, json.dumps(body), content_type="application/json")
    if response.status_code != expect:
        raise SystemExit(f"{url}: {response.status_code} {response.content[:300]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile")
    parser.add_argument("--sort", default="cumulative", help="pstats order: cumulative, tottime")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--sql", help="print the SQL statements of one request of this scenario")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="api-cpu-"))
    url = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"
    data = prepare(url, workdir, sources=args.count * (args.rounds + 2))

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry_site.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {data['key']}", HTTP_HOST="127.0.0.1")
    plan = scenarios(data)
    for scenario in plan.values():  # warm up: imports, compiled queries, prepared plans
        for i in range(20):
            call(client, scenario, i)

    print(f"database: {connection.vendor}; {args.rounds} rounds x {args.count} requests")
    print(f"{'scenario':22} {'CPU ms/req':>11} {'wall ms/req':>12} {'queries':>8}")
    for name, scenario in plan.items():
        ETAGS.clear()  # revalidate what the URL answers now, after the scenarios before
        cpu, wall = [], []
        for _ in range(args.rounds):
            c0, w0 = time.process_time(), time.perf_counter()
            for i in range(args.count):
                call(client, scenario, i)
            cpu.append((time.process_time() - c0) * 1000 / args.count)
            wall.append((time.perf_counter() - w0) * 1000 / args.count)
        with CaptureQueriesContext(connection) as queries:
            call(client, scenario, 1)
        print(
            f"{name:22} {statistics.median(cpu):11.2f} {statistics.median(wall):12.2f} "
            f"{len(queries):8d}"
        )
    if args.sql:
        with CaptureQueriesContext(connection) as queries:
            call(client, plan[args.sql], 0)
        for number, query in enumerate(queries, 1):
            print(f"-- {number}: {query['time']} s\n{query['sql']}")
    if args.profile:
        # CPU time, not wall time: waiting on the database is not the server's cost.
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for i in range(args.count):
            call(client, plan[args.profile], i)
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
