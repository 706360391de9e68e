"""Automations benchmark: worker throughput and what automations add to an alias add.

    .venv/bin/python bench/automations_bench.py [--deliveries 300] [--adds 100]

Uses a throw-away SQLite database (or DATABASE_URL if set — point it at a scratch
database, it is migrated and written to) and a local HTTP receiver. Prints:
  * deliveries per second from one `db_worker` to the receiver;
  * the median and mean time of `add_alias` with 0, 1 and 10 matching automations, and
    the difference to 0 — the alias add only writes outbox rows, it never waits for the
    network (the receiver answers slowly on purpose, and receives nothing during the adds).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("REGISTRY_DATA_DIR", tempfile.mkdtemp(prefix="automations-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry_site.test_settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

RECEIVED = {"count": 0}
RECEIVER_DELAY = 0.0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("content-length") or 0))
        if RECEIVER_DELAY:
            time.sleep(RECEIVER_DELAY)
        RECEIVED["count"] += 1
        self.send_response(200)
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=300)
    parser.add_argument("--adds", type=int, default=100)
    args = parser.parse_args()

    settings.REGISTRY_WEBHOOK_ALLOW_PRIVATE = True
    call_command("migrate", verbosity=0)
    from registry import permissions
    from registry.models import Delivery, Registry
    from registry.services import automation_settings, registries
    from registry.services.aliases import add_alias
    from tests.factories import link_new, make_user

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/hook"

    stamp = str(int(time.time()))
    root = make_user(f"root{stamp}", superuser=True)
    member = make_user(f"member{stamp}")
    registry = Registry.objects.get(name="Model")
    registries.set_role(registry=registry, user=member, role=permissions.MEMBER, actor=root)
    endpoint = automation_settings.create_endpoint(
        registry=registry,
        name=f"bench-{stamp}",
        url=url,
        token="bench-token",
        secret="whsec_" + "QmVuY2htYXJrLXNpZ25pbmctc2VjcmV0LTMyYnl0ZXM=",
        actor=root,
    )

    def automation(name: str, collection=None):
        return automation_settings.create_automation(
            registry=registry,
            actor=root,
            name=name,
            event="ADD_ARTIFACT_ALIAS",
            action="webhook",
            endpoint=endpoint,
            collection=collection,
        )

    def adds(version, n: int, prefix: str) -> list[float]:
        times = []
        for i in range(n):
            started = time.perf_counter()
            add_alias(version=version, name=f"{prefix}-{i}", actor=member)
            times.append(time.perf_counter() - started)
        return times

    def run_worker() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    # 1. Throughput: N deliveries queued, one worker drains them.
    version = link_new(member, registry, f"thru-{stamp}")
    first = automation(f"thru-{stamp}", collection=version.collection)
    adds(version, args.deliveries, "t")
    queued = Delivery.objects.filter(automation=first).count()
    started = time.perf_counter()
    run_worker()
    elapsed = time.perf_counter() - started
    sent = Delivery.objects.filter(automation=first, status=Delivery.Status.SUCCEEDED).count()
    automation_settings.set_automation_enabled(automation=first, enabled=False, actor=root)

    # 2. Alias-add latency with 0, 1 and 10 matching automations; the receiver is slow.
    global RECEIVER_DELAY
    RECEIVER_DELAY = 0.2
    results = {}
    for count in (0, 1, 10):
        version = link_new(member, registry, f"lat{count}-{stamp}")
        for i in range(count):
            automation(f"lat{count}-{i}-{stamp}", collection=version.collection)
        adds(version, 5, "warm")
        before = RECEIVED["count"]
        times = adds(version, args.adds, "a")
        assert RECEIVED["count"] == before, "an alias add waited for a delivery"
        results[count] = times
    server.shutdown()

    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {db}; receiver: local HTTP on 127.0.0.1")
    print(
        f"worker throughput: {sent}/{queued} deliveries in {elapsed:.2f} s = "
        f"{sent / elapsed:.0f} deliveries/s (one db_worker, signed webhooks)"
    )
    base = statistics.median(results[0])
    print(f"alias add latency (add_alias service call, n={args.adds} each):")
    for count, times in results.items():
        median, mean = statistics.median(times), statistics.mean(times)
        print(
            f"  {count:>2} matching automations: median {median * 1000:6.2f} ms, "
            f"mean {mean * 1000:6.2f} ms, added vs 0: {(median - base) * 1000:+6.2f} ms"
        )
    print("deliveries during the adds: 0 (the add never waits for the 200 ms receiver)")


if __name__ == "__main__":
    main()
