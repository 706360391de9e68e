"""API benchmark: gunicorn (2 gthread workers) on SQLite and PostgreSQL.

Prints requests/s and p50/p99 latency of resolving :production, the same alias through
MLflow's `registered-models/alias` GET (our MLflow-compatible route), a 304 revalidation,
moving an alias and linking, with 1 and 8 clients, beside a bare Django endpoint
(/healthz/) on the same server as the ceiling (median of interleaved rounds); then
uploads a 1 GiB file and reports the gunicorn worker's RSS growth. Not a test: it prints figures.

    .venv/bin/python bench/api_bench.py [sqlite] [postgres] [--no-upload] [--scale 1.0]
                                        [--rounds 3] [--only resolve,304]

PostgreSQL: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/registry_api).
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_load import json_body, run  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/registry_api"
)
GIB = 1024**3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, database_url: str, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.pidfile = workdir / "gunicorn.pid"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(40),
            "REGISTRY_DATA_DIR": str(workdir / "data"),
            "MEDIA_ROOT": str(workdir / "data" / "media"),
            "DEBUG": "0",
        }

    def manage(self, *args: str) -> str:
        return subprocess.run(
            [PY, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def setup(self, sources: int) -> dict:
        self.manage("migrate", "--no-input")
        out = subprocess.run(
            [PY, "bench/api_bench_setup.py", str(sources)],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return json.loads(out.strip().splitlines()[-1])

    def start(self) -> None:
        subprocess.run(
            [
                GUNICORN,
                "registry_site.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--worker-class",
                "gthread",
                "--threads",
                "4",
                "--timeout",
                "600",
                "--daemon",
                "--pid",
                str(self.pidfile),
                "--error-logfile",
                str(self.workdir / "gunicorn.log"),
            ],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        for _ in range(200):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz/")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start; see {self.workdir / 'gunicorn.log'}")

    @property
    def master(self) -> int:
        return int(self.pidfile.read_text().strip())

    def workers(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.master:
                    pids.append(int(entry.name))
        return pids

    def stop(self) -> None:
        if self.pidfile.exists():
            os.kill(self.master, signal.SIGTERM)
            for _ in range(100):
                if not self.pidfile.exists():
                    break
                time.sleep(0.1)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def scenarios(data: dict) -> dict:
    auth = {"Authorization": f"Bearer {data['key']}"}
    base = f"/api/v1/registries/{data['registry']}/collections/{data['collection']}/versions"
    link_url = (
        f"/api/v1/registries/{data['registry']}/collections/{data['link_collection']}/versions"
    )
    post = {**auth, "Content-Type": "application/json"}
    sources = data["sources"]
    state = {"etag": None, "link_offset": 0}
    model = f"{data['registry']}.{data['collection']}"
    mlflow_path = f"/api/2.0/mlflow/registered-models/alias?name={model}&alias=production"

    def ceiling(w, i):
        return "GET", "/healthz/", None, {}

    def resolve(w, i):
        return "GET", f"{base}/production", None, auth

    def mlflow_alias(w, i):
        # MLflow's get_model_version_by_alias, answered by our MLflow-compatible route.
        return "GET", mlflow_path, None, auth

    def revalidate(w, i):
        return "GET", f"{base}/production", None, {**auth, "If-None-Match": state["etag"]}

    def move(w, i):
        # Alternating targets: every request really moves 'candidate' (an event each time).
        target = "v1" if (w + i) % 2 == 0 else "v0"
        return "POST", f"{base}/{target}/aliases", json_body({"name": "candidate"}), post

    def link(w, i):
        index = sources[state["link_offset"] + w * state["link_per"] + i + 1]
        source = {
            "entity": data["entity"],
            "project": data["project"],
            "artifact": data["artifact"],
            "version": f"v{index}",
        }
        return "POST", link_url, json_body({"source": source, "aliases": []}), post

    return {
        "state": state,
        "ceiling (/healthz/)": (ceiling, (200,)),
        "resolve :production": (resolve, (200,)),
        "mlflow alias GET": (mlflow_alias, (200,)),
        "304 revalidation": (revalidate, (304,)),
        "move alias": (move, (200,)),
        "link": (link, (201,)),
    }


def fetch_etag(port: int, data: dict) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    registry, collection = data["registry"], data["collection"]
    path = f"/api/v1/registries/{registry}/collections/{collection}/versions/production"
    conn.request("GET", path, headers={"Authorization": f"Bearer {data['key']}"})
    response = conn.getresponse()
    response.read()
    return response.getheader("ETag")


def load_figures(
    server: Server, data: dict, scale: float, rounds: int, only: list[str] | None = None
) -> list[tuple]:
    """Each scenario `rounds` times, interleaved with the ceiling; the median round counts.

    On a small shared machine one run of a scenario can land on a busy moment; the
    median of interleaved rounds compares scenario and ceiling under the same conditions.
    """
    plan = scenarios(data)
    state = plan.pop("state")
    if only:  # the ceiling always runs: every figure is read against it
        plan = {
            name: entry
            for name, entry in plan.items()
            if name.startswith("ceiling") or any(word in name for word in only)
        }
    counts = {
        "ceiling (/healthz/)": (1000, 2000),
        "resolve :production": (1000, 2000),
        "mlflow alias GET": (1000, 2000),
        "304 revalidation": (1000, 2000),
        "move alias": (300, 400),
        "link": (200, 400),
    }
    rows = []
    for clients, column in ((1, 0), (8, 1)):
        measured: dict[str, list] = {name: [] for name in plan}
        for round_number in range(rounds):
            for name, (scenario, expect) in plan.items():
                total = max(clients, int(counts[name][column] * scale))
                if name == "304 revalidation":
                    state["etag"] = fetch_etag(server.port, data)
                if name == "link":
                    state["link_per"] = total // clients + 1
                result = run(server.port, scenario, clients=clients, total=total, expect=expect)
                if name == "link":
                    state["link_offset"] += clients * state["link_per"]
                measured[name].append(result)
                print(
                    f"  round {round_number + 1} {name:22} c={clients}: {result.rps:8.0f} req/s",
                    file=sys.stderr,
                )
        medians = {
            name: sorted(results, key=lambda r: r.rps)[len(results) // 2]
            for name, results in measured.items()
        }
        ceiling = medians["ceiling (/healthz/)"].rps
        for name, result in medians.items():
            rows.append((name, clients, result, result.rps / ceiling if ceiling else 0))
    return rows


def upload_figures(server: Server, data: dict, workdir: Path) -> dict:
    path = workdir / "one-gib.bin"
    hasher = hashlib.sha256()
    block = os.urandom(1024 * 1024)
    with open(path, "wb") as handle:
        for i in range(1024):
            chunk = block[:-8] + i.to_bytes(8, "big")
            hasher.update(chunk)
            handle.write(chunk)
    digest = hasher.hexdigest()
    workers = server.workers()
    baseline = {pid: rss_kib(pid) for pid in workers}
    peak = dict(baseline)
    done = threading.Event()

    def sample():
        while not done.is_set():
            for pid in workers:
                try:
                    peak[pid] = max(peak[pid], rss_kib(pid))
                except OSError:
                    pass
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600, blocksize=1 << 20)
    with open(path, "rb") as body:
        conn.request(
            "PUT",
            f"/api/v1/blobs/{digest}",
            body=body,
            headers={
                "Authorization": f"Bearer {data['key']}",
                "Content-Type": "application/octet-stream",
                "Content-Length": str(GIB),
            },
        )
        response = conn.getresponse()
        response.read()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    path.unlink()
    growth = max(peak[pid] - baseline[pid] for pid in workers)
    return {
        "status": response.status,
        "seconds": seconds,
        "mib_per_s": 1024 / seconds,
        "rss_growth_mib": growth / 1024,
        "baseline_rss_mib": max(baseline.values()) / 1024,
    }


def report(label: str, rows: list[tuple], upload: dict | None, rounds: int) -> None:
    print(
        f"\n## {label}: gunicorn 2 gthread workers x 4 threads, http.client keep-alive "
        f"clients; median of {rounds} interleaved rounds"
    )
    print(
        f"{'scenario':22} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'vs ceiling':>10} {'errors':>8}"
    )
    for name, clients, result, ratio in rows:
        errors = ",".join(f"{k}:{v}" for k, v in result.errors.items()) or "-"
        print(
            f"{name:22} {clients:>7} {result.rps:>8.0f} {result.p50:>8.2f} "
            f"{result.percentile(99):>8.2f} {ratio:>9.0%} {errors:>8}"
        )
    for clients in (1, 8):
        by_name = {r[0]: r for r in rows if r[1] == clients}
        if not {"resolve :production", "304 revalidation", "mlflow alias GET"} <= set(by_name):
            continue  # --only left some out
        resolve = by_name["resolve :production"][3]
        revalidate = by_name["304 revalidation"][3]
        mlflow = by_name["mlflow alias GET"][3]
        print(
            f"c={clients}: resolve at {resolve:.0%} of the ceiling (target >= 60%), "
            f"304 at {revalidate:.0%} (target >= 80%); MLflow's alias GET at {mlflow:.0%} "
            f"({mlflow / resolve:.2f}x our resolve)"
        )
    if upload:
        print(
            f"1 GiB upload: HTTP {upload['status']} in {upload['seconds']:.1f} s "
            f"({upload['mib_per_s']:.0f} MiB/s); worker RSS growth "
            f"{upload['rss_growth_mib']:.1f} MiB (target < 100 MiB; baseline "
            f"{upload['baseline_rss_mib']:.0f} MiB)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("backends", nargs="*", default=["sqlite", "postgres"])
    parser.add_argument("--no-upload", action="store_true")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply request counts")
    parser.add_argument("--rounds", type=int, default=3, help="median of this many rounds")
    parser.add_argument(
        "--only", help="comma-separated words: only scenarios whose name has one (and the ceiling)"
    )
    args = parser.parse_args()
    only = args.only.split(",") if args.only else None
    for backend in args.backends:
        with tempfile.TemporaryDirectory(prefix=f"api-bench-{backend}-") as tmp:
            workdir = Path(tmp)
            url = POSTGRES_URL if backend == "postgres" else f"sqlite:///{workdir}/bench.sqlite3"
            server = Server(url, workdir)
            print(f"{backend}: setting up", file=sys.stderr)
            data = server.setup(sources=int(650 * args.scale) * args.rounds + 20)
            server.start()
            try:
                rows = load_figures(server, data, args.scale, args.rounds, only)
                upload = None if args.no_upload else upload_figures(server, data, workdir)
            finally:
                server.stop()
            report(backend, rows, upload, args.rounds)


if __name__ == "__main__":
    main()
