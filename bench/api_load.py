"""A small http.client load generator: N processes, keep-alive, bounded request counts.

A run can also be bounded in time (`seconds`): a slow server then ends the loop early
instead of holding up a whole benchmark, and the figures count the requests it did make.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing as mp
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

# A request is (method, path, body, headers); a scenario gives worker w its i-th request.
Request = tuple[str, str, bytes | None, dict[str, str]]
Scenario = Callable[[int, int], Request]


@dataclass
class Result:
    requests: int
    seconds: float
    latencies_ms: list[float]
    errors: dict[int, int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        data = sorted(self.latencies_ms)
        if not data:
            return 0.0
        return data[min(len(data) - 1, int(round(p / 100 * (len(data) - 1))))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0


def _worker(port, scenario, worker, count, expect, barrier, out, seconds=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    method, path, body, headers = scenario(worker, -1)  # warm-up: connect, fill caches
    conn.request(method, path, body=body, headers=headers)
    conn.getresponse().read()
    latencies, errors = [], {}
    barrier.wait()
    stop = time.perf_counter() + seconds if seconds else float("inf")
    for i in range(count):
        if time.perf_counter() >= stop:
            break
        method, path, body, headers = scenario(worker, i)
        start = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        latencies.append((time.perf_counter() - start) * 1000)
        if response.status not in expect:
            errors[response.status] = errors.get(response.status, 0) + 1
    conn.close()
    out.put((latencies, errors))


def run(
    port: int,
    scenario: Scenario,
    *,
    clients: int,
    total: int,
    expect=(200,),
    seconds: float | None = None,
) -> Result:
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(clients + 1)
    out = ctx.Queue()
    per = max(1, total // clients)
    procs = [
        ctx.Process(target=_worker, args=(port, scenario, w, per, expect, barrier, out, seconds))
        for w in range(clients)
    ]
    for p in procs:
        p.start()
    barrier.wait()
    start = time.perf_counter()
    latencies, errors = [], {}
    for _ in procs:
        lat, err = out.get()
        latencies.extend(lat)
        for status, n in err.items():
            errors[status] = errors.get(status, 0) + n
    seconds = time.perf_counter() - start
    for p in procs:
        p.join()
    return Result(len(latencies), seconds, latencies, errors)


def json_body(data) -> bytes:
    return json.dumps(data).encode()
