#!/usr/bin/env python
"""Scale-out drill: two web nodes and two workers sharing one PostgreSQL and one S3.

Starts its own PostgreSQL cluster (initdb into a temporary folder, a spare port), a moto
S3 server, two gunicorn nodes and two task workers with the production settings, then:

  links    8 clients x 50 links into one collection through both nodes at once
  alias    alias moves through both nodes with an automation on, one worker killed
  restart  PostgreSQL restarted under load: 503s, no 500s or hangs, nothing lost
  upload   a web node killed during an upload; the retry through the other succeeds
  check    `manage.py registry_check` on the result

and prints a table of what it did and what it found. Exit status 0 when every step
passed. Run: `.venv/bin/python scripts/scale_drill.py` (tests/test_scale_drill.py runs it).
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
RECEIVER_DELAY = 0.1
PG_BIN_DIRS = ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/local/bin"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_tool(name: str) -> str:
    for folder in PG_BIN_DIRS:
        if os.access(Path(folder) / name, os.X_OK):
            return str(Path(folder) / name)
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found; the drill needs PostgreSQL's server binaries.")
    return found


class Receiver:
    """A webhook receiver that dedupes on `webhook-id`, as the README asks receivers to."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                time.sleep(RECEIVER_DELAY)  # workers spend their time mid-send, as in life
                with receiver.lock:
                    receiver.ids.append(self.headers.get("webhook-id", ""))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hook"


class Cluster:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pg_port = free_port()
        self.pg_data = folder / "pg"
        self.procs: dict[str, subprocess.Popen] = {}
        self.node_ports = [free_port(), free_port()]
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REGISTRY_"))},
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_port}/registry",
            "REGISTRY_DATA_DIR": str(folder / "data"),
            "REGISTRY_STORAGE": "s3",
            "REGISTRY_S3_BUCKET": "drill",
            "AWS_ACCESS_KEY_ID": "drill",
            "AWS_SECRET_ACCESS_KEY": "drill",
            "AWS_DEFAULT_REGION": "us-east-1",
            "REGISTRY_WEBHOOK_ALLOW_PRIVATE": "true",
            "REGISTRY_WEBHOOK_TIMEOUT": "2",
            "REGISTRY_WEBHOOK_MIN_LEASE": "6",
            "REGISTRY_WEBHOOK_RETRY_BASE": "1",
            "LOG_LEVEL": "WARNING",
        }

    # PostgreSQL

    def _pg(self, *args: str) -> None:
        subprocess.run([*self.as_postgres, *args], check=True, capture_output=True, timeout=120)

    def start_postgres(self) -> None:
        self.pg_data.mkdir()
        if self.as_postgres:
            shutil.chown(self.folder, "postgres")
            shutil.chown(self.pg_data, "postgres")
        self._pg(pg_tool("initdb"), "-D", str(self.pg_data), "-U", "postgres", "-A", "trust")
        self._pg_ctl("start")
        with psycopg.connect(self.admin_url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE registry")

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = (
            f"-p {self.pg_port} -c listen_addresses=127.0.0.1 -k {self.pg_data} "
            "-c fsync=off -c max_connections=200"
        )
        self._pg(
            pg_tool("pg_ctl"), "-D", str(self.pg_data), "-o", options, "-l",
            str(self.pg_data / "log"), "-w", *extra, action,
        )  # fmt: skip

    def restart_postgres(self) -> None:
        self._pg_ctl("restart", "-m", "fast")

    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.pg_port}/postgres"

    def sql(self, query: str, *params):
        with psycopg.connect(self.env["DATABASE_URL"].replace("postgres://", "postgresql://")) as c:
            return c.execute(query, params).fetchall()

    # S3, web nodes, workers

    def start_s3(self) -> None:
        port = free_port()
        self.spawn("s3", [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)])
        self.env["REGISTRY_S3_ENDPOINT_URL"] = f"http://127.0.0.1:{port}"
        wait_until(lambda: _answers(f"http://127.0.0.1:{port}/"), 30, "moto S3")
        import boto3

        boto3.client(
            "s3",
            endpoint_url=self.env["REGISTRY_S3_ENDPOINT_URL"],
            aws_access_key_id="drill",
            aws_secret_access_key="drill",
            region_name="us-east-1",
        ).create_bucket(Bucket="drill")

    def manage(self, *args: str, env: dict | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def spawn(self, name: str, argv: list[str], env: dict | None = None) -> None:
        log = open(self.folder / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        self.procs[name] = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed with its children
        )

    def start_node(self, i: int) -> None:
        self.spawn(
            f"node{i}",
            [
                str(VENV_BIN / "gunicorn"),
                "registry_site.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.node_ports[i]}",
                "--workers",
                "2",
                "--worker-class",
                "gthread",
                "--threads",
                "4",
                "--timeout",
                "60",
            ],  # fmt: skip
            env={"REGISTRY_UPLOAD_TMP_DIR": str(self.upload_dir(i))},
        )
        wait_until(lambda: _answers(self.url(i, "/healthz/")), 60, f"web node {i}")

    def upload_dir(self, i: int) -> Path:
        return self.folder / f"node{i}-uploads"

    def start_worker(self, i: int) -> None:
        self.spawn(
            f"worker{i}",
            [sys.executable, "manage.py", "run_worker", "--no-reload", "--interval", "0.2"],
        )

    def start_sweeper(self) -> None:
        """`registry_sweep`, as one node runs it: resends what a killed worker held."""
        self.spawn("sweeper", [sys.executable, "manage.py", "registry_sweep", "--every", "2"])

    def kill(self, name: str) -> None:
        """SIGKILL the process this drill started, and its children (its own group)."""
        proc = self.procs.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)

    def alive(self, name: str) -> bool:
        return name in self.procs and self.procs[name].poll() is None

    def url(self, i: int, path: str) -> str:
        return f"http://127.0.0.1:{self.node_ports[i]}{path}"

    def stop(self) -> None:
        for name in list(self.procs):
            try:
                self.kill(name)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        if self.pg_data.exists():
            try:
                self._pg_ctl("stop", "-m", "immediate")
            except subprocess.CalledProcessError:
                pass


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code < 500
    except httpx.HTTPError:
        return False


def wait_until(predicate, seconds: float, what: str) -> float:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.2)
    raise RuntimeError(f"{what} not ready after {seconds} s")


SETUP = """
from django.contrib.auth import get_user_model
from registry.models import Registry
from registry.services import api_keys, automation_settings
user = get_user_model().objects.create_superuser("drill", "drill@example.com", "drill-pw-123")
_, raw = api_keys.create_api_key(user=user, name="drill")
registry = Registry.objects.get(name="Model")
endpoint = automation_settings.create_endpoint(
    registry=registry, name="dedup", url="{url}", actor=user)
automation_settings.create_automation(
    registry=registry, actor=user, name="moves", event="ADD_ARTIFACT_ALIAS",
    action="webhook", endpoint=endpoint)
print(raw)
"""


class Drill:
    def __init__(self, cluster: Cluster, receiver: Receiver, key: str, scale: float) -> None:
        self.c = cluster
        self.receiver = receiver
        self.headers = {"Authorization": f"Bearer {key}"}
        self.scale = scale
        self.rows: list[tuple[str, str, str, bool]] = []
        self.clients = [httpx.Client(base_url=cluster.url(i, ""), timeout=30) for i in (0, 1)]

    def call(self, node: int, method: str, path: str, body=None, **kwargs) -> httpx.Response:
        return self.clients[node].request(
            method, "/api/v1" + path, json=body, headers=self.headers, **kwargs
        )

    def record(self, step: str, did: str, found: str, ok: bool) -> None:
        self.rows.append((step, did, found, ok))
        print(f"[{'ok' if ok else 'FAILED'}] {step}: {found}", flush=True)

    # links

    def links(self) -> None:
        clients, per_client = 8, max(1, int(50 * self.scale))
        data = b"drill weights"
        sha = hashlib.sha256(data).hexdigest()
        assert self.call(0, "PUT", f"/blobs/{sha}", content=data).status_code == 201
        failures: list[str] = []

        def work(t: int) -> None:
            for i in range(per_client):
                node = (t + i) % 2
                commit = self.call(
                    node,
                    "POST",
                    "/entities/drill/projects/drill/artifacts",
                    {"name": f"src{t}", "type": "model",
                     "files": [{"path": f"w{i}.bin", "sha256": sha, "size": len(data)}]},
                )  # fmt: skip
                if commit.status_code not in (200, 201):
                    failures.append(f"commit {commit.status_code}")
                    continue
                source = {"entity": "drill", "project": "drill", "artifact": f"src{t}",
                          "version": commit.json()["version"]}  # fmt: skip
                link = self.call(
                    1 - node, "POST", "/registries/Model/collections/drill/versions",
                    {"source": source, "aliases": []},
                )  # fmt: skip
                if link.status_code not in (200, 201):
                    failures.append(f"link {link.status_code} {link.text[:100]}")

        started = time.monotonic()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(work, range(clients)))
        seconds = time.monotonic() - started
        indexes = [
            row[0]
            for row in self.c.sql(
                "SELECT v.index FROM registry_linkedversion v JOIN registry_collection c "
                "ON c.id = v.collection_id WHERE c.name = 'drill' ORDER BY v.index"
            )
        ]
        expected = list(range(clients * per_client))
        ok = indexes == expected and not failures
        gaps = sorted(set(expected) - set(indexes))
        found = (
            f"v0…v{len(indexes) - 1}: {len(indexes)} versions, "
            f"{len(indexes) - len(set(indexes))} duplicates, {len(gaps)} gaps, "
            f"{len(failures)} failed requests, {2 * len(expected) / seconds:.0f} req/s"
        )
        self.record("links", f"{clients} clients x {per_client} links, both nodes", found, ok)

    # alias moves, one worker killed

    def alias_moves(self) -> None:
        moves = max(4, int(120 * self.scale))
        versions = int(self.c.sql("SELECT count(*) FROM registry_linkedversion")[0][0])
        failures: list[str] = []

        def work(t: int) -> None:
            for i in range(t, moves, 4):
                target = (i * 7) % versions
                r = self.call(
                    i % 2,
                    "POST",
                    f"/registries/Model/collections/drill/versions/v{target}/aliases",
                    {"name": f"stage{t}"},
                )
                if r.status_code not in (200, 201):
                    failures.append(str(r.status_code))

        with ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(work, t) for t in range(4)]
            # Kill it while deliveries are flowing: most likely in the middle of a send,
            # holding a claim whose lease must expire before the other worker resends.
            wait_until(lambda: len(self.receiver.ids) >= moves // 4, 60, "first deliveries")
            self.c.kill("worker0")
            for f in futures:
                f.result()
        expected = int(self.c.sql("SELECT count(*) FROM registry_delivery")[0][0])

        def finished() -> bool:
            rows = self.c.sql(
                "SELECT count(*) FROM registry_delivery WHERE status IN ('succeeded', 'failed')"
            )
            return int(rows[0][0]) == expected

        try:
            waited = wait_until(finished, 120, "deliveries")
        except RuntimeError:
            waited = -1
        succeeded = int(
            self.c.sql("SELECT count(*) FROM registry_delivery WHERE status = 'succeeded'")[0][0]
        )
        interrupted = int(
            self.c.sql(
                "SELECT count(*) FROM registry_deliveryattempt WHERE error LIKE 'Interrupted:%%'"
            )[0][0]
        )
        unique = len(set(self.receiver.ids))
        ok = succeeded == expected == unique and not failures and waited >= 0
        found = (
            f"{expected} deliveries, {succeeded} succeeded, {unique} unique at the receiver "
            f"({len(self.receiver.ids) - unique} repeats deduped), {interrupted} interrupted "
            f"attempts logged, all done {waited:.1f} s after the moves"
        )
        self.record("alias", f"{moves} alias moves via both nodes; worker0 killed", found, ok)
        self.c.start_worker(0)

    # PostgreSQL restart under load

    def postgres_restart(self) -> None:
        statuses: dict[str, int] = {}
        committed: list[str] = []
        stop = threading.Event()
        lock = threading.Lock()

        def work(t: int) -> None:
            n = 0
            while not stop.is_set():
                n += 1
                node = (t + n) % 2
                tag = f"t{t}-{n}"
                try:
                    if n % 2:
                        r = self.call(
                            node, "GET", "/registries/Model/collections/drill/versions/latest"
                        )
                    else:
                        r = self.call(
                            node, "POST", "/registries/Model/collections/drill/tags",
                            {"names": [tag]},
                        )  # fmt: skip
                        if r.status_code in (200, 201):
                            with lock:
                                committed.append(tag)
                    key = str(r.status_code)
                    if r.status_code == 503 and "database is unavailable" not in r.text:
                        key = "503-unclear"
                except httpx.TimeoutException:
                    key = "timeout"
                except httpx.TransportError:
                    key = "connection error"
                with lock:
                    statuses[key] = statuses.get(key, 0) + 1

        with ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(work, t) for t in range(4)]
            time.sleep(2)
            restart_started = time.monotonic()
            self.c.restart_postgres()
            restart_seconds = time.monotonic() - restart_started
            time.sleep(3)
            stop.set()
            for f in futures:
                f.result()
        recovered = [
            wait_until(lambda i=i: self.call(i, "GET", "/viewer").status_code == 200, 30, "node")
            for i in (0, 1)
        ]
        stored = {row[0] for row in self.c.sql("SELECT name FROM registry_collectiontag")}
        lost = [tag for tag in committed if tag not in stored]
        workers_alive = all(self.c.alive(f"worker{i}") for i in (0, 1))
        # A delivery made after the restart still goes out: the workers recovered.
        before = len(set(self.receiver.ids))
        self.call(0, "POST", "/registries/Model/collections/drill/versions/v1/aliases",
                  {"name": "after-restart"})  # fmt: skip
        try:
            wait_until(lambda: len(set(self.receiver.ids)) > before, 30, "delivery")
            delivered = True
        except RuntimeError:
            delivered = False
        bad = {k: v for k, v in statuses.items() if k not in ("200", "201", "503")}
        ok = not bad and not lost and workers_alive and delivered and statuses.get("503", 0) > 0
        found = (
            f"answers {dict(sorted(statuses.items()))}; restart took {restart_seconds:.1f} s; "
            f"{len(committed)} committed tags, {len(lost)} lost; nodes answered again "
            f"{max(recovered):.1f} s later; workers alive: {workers_alive}, delivering: "
            f"{delivered}"
        )
        self.record("restart", "pg_ctl restart -m fast under 4 clients", found, ok)

    # a web node killed during an upload

    def killed_upload(self) -> None:
        size = int(24 * 1024 * 1024 * max(self.scale, 0.25))
        data = os.urandom(size)
        sha = hashlib.sha256(data).hexdigest()
        port = self.c.node_ports[0]
        first_error = ""
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.putrequest("PUT", f"/api/v1/blobs/{sha}")
            conn.putheader("Authorization", self.headers["Authorization"])
            conn.putheader("Content-Type", "application/octet-stream")
            conn.putheader("Content-Length", str(size))
            conn.endheaders()
            chunk = 256 * 1024
            for offset in range(0, size, chunk):
                conn.send(data[offset : offset + chunk])
                if offset >= size // 3 and self.c.alive("node0"):
                    time.sleep(0.3)  # the node has spooled part of it
                    self.c.kill("node0")
            conn.getresponse()
            first_error = "no error (node survived?)"
        except (OSError, http.client.HTTPException) as exc:
            first_error = type(exc).__name__
        finally:
            conn.close()
        retry = self.call(1, "PUT", f"/blobs/{sha}", content=data)
        missing = self.call(
            1, "POST", "/blobs/missing", {"files": [{"path": "big", "sha256": sha, "size": size}]}
        ).json()["missing"]
        leftovers = list(self.c.upload_dir(0).glob("upload-*"))
        for path in leftovers:  # age them past REGISTRY_STALE_UPLOAD_AFTER for the sweeper
            os.utime(path, (time.time() - 7200, time.time() - 7200))
        swept = self.c.manage("registry_sweep", env={"REGISTRY_UPLOAD_TMP_DIR": str(
            self.c.upload_dir(0))})  # fmt: skip
        ok = (
            retry.status_code == 201
            and missing == []
            and not list(self.c.upload_dir(0).glob("upload-*"))
        )
        found = (
            f"first attempt: {first_error}; retry via node1: {retry.status_code}; "
            f"{len(leftovers)} partial upload-* file(s) left on node0, removed by "
            f"registry_sweep ({swept.strip().rsplit(';', 1)[-1].strip()})"
        )
        self.record("upload", f"{size // 2**20} MiB PUT, node0 killed at 1/3", found, ok)

    def integrity(self) -> None:
        try:
            output = self.c.manage("registry_check", "--deep")
            ok = True
        except RuntimeError as exc:
            output, ok = str(exc), False
        self.record("check", "registry_check --deep", output.strip().splitlines()[-1], ok)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the requests")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="registry-drill-"))
    folder.chmod(0o755)
    cluster = Cluster(folder)
    started = time.monotonic()
    try:
        cluster.start_postgres()
        cluster.start_s3()
        receiver = Receiver()
        cluster.manage("migrate", "--no-input")
        key = cluster.manage("shell", "-c", SETUP.replace("{url}", receiver.url)).strip()
        for i in (0, 1):
            cluster.start_node(i)
            cluster.start_worker(i)
        cluster.start_sweeper()
        drill = Drill(cluster, receiver, key.splitlines()[-1], args.scale)
        for step in (drill.links, drill.alias_moves, drill.postgres_restart,
                     drill.killed_upload, drill.integrity):  # fmt: skip
            try:
                step()
            except Exception as exc:  # one broken step must not hide the others' results
                drill.record(step.__name__, "(crashed)", f"{type(exc).__name__}: {exc}", False)
    finally:
        cluster.stop()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print()
    print(f"Scale-out drill ({time.monotonic() - started:.0f} s; 2 web nodes, 2 workers, "
          "PostgreSQL, S3)")  # fmt: skip
    width = max(len(r[1]) for r in drill.rows)
    for step, did, found, ok in drill.rows:
        print(f"{'PASS' if ok else 'FAIL'}  {step:<8} {did:<{width}}  {found}")
    if args.keep:
        print(f"logs and data kept in {folder}")
    return 0 if all(r[3] for r in drill.rows) else 1


if __name__ == "__main__":
    sys.exit(main())
