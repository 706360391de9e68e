"""Side by side with MLflow's tracking server: resolve, move and link through each REST API.

Starts, on 127.0.0.1 at free ports:
- ours as scripts/run-server serves it (gunicorn, 2 gthread workers x 4 threads) on a
  fresh SQLite database and, when BENCH_PG answers, on a fresh PostgreSQL database;
- MLflow's server (SQLite backend store in a temporary directory) as shipped: `mlflow
  server`, which runs uvicorn with 4 workers;
- MLflow's server under gunicorn (`mlflow server --gunicorn-opts`, 2 gthread workers x 4
  threads, the same shape as ours). Gunicorn sets TCP_NODELAY on its listening socket and
  the connections inherit it. Uvicorn binds its socket without naming the protocol, so
  asyncio leaves TCP_NODELAY off and small responses wait for the client's delayed ACK
  (`/health` takes 44 ms as shipped, 4 ms under gunicorn). MLflow's code is not touched.

Then the same three loops against each: resolve an alias, move an alias, link a new
version; one keep-alive http.client connection per client, at 1 and 8 clients, each loop
bounded in requests and seconds, interleaved over rounds (median counts). Server CPU per
move is read from /proc (all the server's processes) around each move loop. Prints a
Markdown table and ours / theirs for every figure. Not a test: it prints figures.

    .venv/bin/python bench/mlflow_bench.py --mlflow-venv bench/.mlflow-venv [--rounds 5]
                                           [--scale 1.0] [--seconds 5]

PostgreSQL: BENCH_PG (default postgres://postgres@127.0.0.1:5432), a server URL without a
database; a scratch database is created there and dropped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_bench import Server, free_port, scenarios  # noqa: E402
from api_load import Result, json_body, run  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BENCH_PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
CLK_TCK = os.sysconf("SC_CLK_TCK")
KINDS = ("resolve", "move", "link")
CLIENTS = (1, 8)
# Requests per loop (1 client, 8 clients) before --scale; --seconds bounds each loop too.
COUNTS = {"resolve": (400, 800), "move": (200, 300), "link": (150, 250)}


# -- processes ---------------------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields after the command name, which may itself hold spaces and parentheses.
    return text.rsplit(")", 1)[1].split()


def process_tree(root: int) -> list[int]:
    """`root` and every process below it (gunicorn workers, uvicorn's spawned workers)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            parents[int(entry.name)] = int(fields[1])
    tree, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        if pid in parents:
            tree.append(pid)
            frontier.extend(child for child, parent in parents.items() if parent == pid)
    return tree


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (utime and stime in /proc)."""
    ticks = 0
    for pid in pids:
        if fields := _stat(pid):
            ticks += int(fields[11]) + int(fields[12])
    return ticks / CLK_TCK


def group_alive(pgid: int) -> bool:
    return any(
        (fields := _stat(int(e.name))) and int(fields[2]) == pgid
        for e in Path("/proc").iterdir()
        if e.name.isdigit()
    )


def say(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def wait_for(port: int, path: str, seconds: float, alive=lambda: True) -> None:
    """Until `path` answers 200; MLflow's workers take tens of seconds to import on a busy
    machine, so the limit is generous."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError(f"the server on port {port} exited while starting")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"nothing answered {path} on port {port} within {seconds:.0f} s")


def settle(target, limit: float = 90) -> None:
    """Until the server's processes are nearly idle: `/health` answers as soon as one
    worker has started, while the others may still be importing MLflow."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = cpu_seconds(target.pids())
        time.sleep(1)
        if cpu_seconds(target.pids()) - before < 0.1:
            return


# -- the servers -------------------------------------------------------------------------


class Ours:
    """Our server through bench/api_bench.py's Server: same data, keys and gunicorn."""

    def __init__(self, label: str, database_url: str, workdir: Path):
        self.label = label
        self.server = Server(database_url, workdir)
        self.port = self.server.port
        self.started = False

    def setup(self, sources: int) -> None:
        self.data = self.server.setup(sources=sources)
        plan = scenarios(self.data)
        self.state = plan["state"]
        self.loops = {
            "resolve": (plan["resolve :production"][0], (200,)),
            "move": (plan["move alias"][0], (200,)),
            "link": (plan["link"][0], (201,)),
        }

    def start(self) -> None:
        self.started = True
        self.server.start()

    def ready(self) -> None:
        pass

    def pids(self) -> list[int]:
        return process_tree(self.server.master)

    def before(self, kind: str, clients: int, total: int) -> None:
        # Each client links its own slice of committed sources: one per request + warm-up.
        if kind == "link":
            self.state["link_per"] = total // clients + 1

    def after(self, kind: str, clients: int) -> None:
        if kind == "link":
            self.state["link_offset"] += clients * self.state["link_per"]

    def stop(self) -> None:
        if not self.started:
            return
        try:
            pids = self.pids()
        except (OSError, ValueError):
            pids = []
        self.server.stop()
        for pid in pids:  # a worker that ignored SIGTERM
            cmdline = Path(f"/proc/{pid}/cmdline")
            if cmdline.exists() and b"gunicorn" in cmdline.read_bytes():
                os.kill(pid, signal.SIGKILL)


class MLflow:
    """`mlflow server` from its own virtualenv, in its own session so that stopping it
    reaches every process it started."""

    def __init__(self, label: str, venv: Path, workdir: Path, extra: list[str]):
        self.label = label
        self.port = free_port()
        self.workdir = workdir
        self.log = workdir / "mlflow.log"
        self.command = [
            str(venv / "bin" / "mlflow"),
            "server",
            "--backend-store-uri",
            f"sqlite:///{workdir / 'mlflow.db'}",
            "--default-artifact-root",
            str(workdir / "artifacts"),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            *extra,
        ]
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            # No usage reports: this machine talks to nothing but itself.
            "MLFLOW_DISABLE_TELEMETRY": "true",
            "DO_NOT_TRACK": "true",
            # The job runner serves GenAI evaluation jobs, not the model registry; idle it
            # still costs CPU that every server here would share on a 2-core machine.
            "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
        }
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                self.command,
                cwd=self.workdir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def ready(self) -> None:
        wait_for(self.port, "/health", 300, alive=lambda: self.proc.poll() is None)

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=json_body(body) if body else None, headers=headers)
        response = conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"{self.label}: {method} {path} -> {response.status} {data!r}")
        return json.loads(data)

    def setup(self, sources: int) -> None:
        """A registered model with versions 1 and 2, `production` and `candidate` on 1,
        and a run whose artifacts are the source of every linked version (MLflow reads the
        run to check the source, as ours reads the committed source artifact)."""
        api = "/api/2.0/mlflow"
        name = "bench"
        self.call("POST", f"{api}/registered-models/create", {"name": name})
        run = self.call("POST", f"{api}/runs/create", {"experiment_id": "0"})["run"]["info"]
        # A path inside the run's artifacts: MLflow then reads the run to check it.
        source = f"{run['artifact_uri']}/model"
        create = {"name": name, "source": source, "run_id": run["run_id"]}
        for _ in range(2):
            self.call("POST", f"{api}/model-versions/create", create)
        for alias in ("production", "candidate"):
            self.call(
                "POST",
                f"{api}/registered-models/alias",
                {"name": name, "alias": alias, "version": "1"},
            )
        json_headers = {"Content-Type": "application/json"}

        def resolve(w, i):
            return "GET", f"{api}/registered-models/alias?name={name}&alias=production", None, {}

        def move(w, i):
            # Alternating targets, as ours: every request really moves `candidate`.
            body = {"name": name, "alias": "candidate", "version": "2" if (w + i) % 2 else "1"}
            return "POST", f"{api}/registered-models/alias", json_body(body), json_headers

        def link(w, i):
            return "POST", f"{api}/model-versions/create", json_body(create), json_headers

        self.loops = {"resolve": (resolve, (200,)), "move": (move, (200,)), "link": (link, (200,))}

    def pids(self) -> list[int]:
        return process_tree(self.proc.pid)

    def before(self, kind: str, clients: int, total: int) -> None:
        pass

    def after(self, kind: str, clients: int) -> None:
        pass

    def stop(self) -> None:
        if self.proc is None:
            return
        pgid = self.proc.pid  # start_new_session: the session's and group's id
        try:
            os.killpg(pgid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 20
        while group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if group_alive(pgid):
            os.killpg(pgid, signal.SIGKILL)
        self.proc.wait()


# -- PostgreSQL --------------------------------------------------------------------------


def psql(database: str, sql: str) -> bool:
    if not shutil.which("psql"):
        return False
    done = subprocess.run(
        ["psql", f"{BENCH_PG}/{database}", "-Atqc", sql],
        env={**os.environ, "PGCONNECT_TIMEOUT": "3"},
        capture_output=True,
        text=True,
    )
    return done.returncode == 0


# -- measuring ---------------------------------------------------------------------------


class Figures:
    def __init__(self):
        self.results: dict[tuple, list[Result]] = {}
        self.cpu: dict[tuple, list[float]] = {}  # (label, clients) -> [cpu s, requests]

    def add(self, label, kind, clients, result: Result, cpu: float | None) -> None:
        self.results.setdefault((label, kind, clients), []).append(result)
        if cpu is not None:
            # Warm-up requests (one per client) reach the server too.
            totals = self.cpu.setdefault((label, clients), [0.0, 0])
            totals[0] += cpu
            totals[1] += result.requests + clients

    def median(self, label, kind, clients) -> Result | None:
        results = sorted(self.results.get((label, kind, clients), []), key=lambda r: r.rps)
        return results[len(results) // 2] if results else None

    def row(self, label) -> dict[str, float]:
        row = {}
        for kind in KINDS:
            for clients in CLIENTS:
                if result := self.median(label, kind, clients):
                    row[f"{kind} {clients}c"] = result.rps
        if result := self.median(label, "move", 8):
            row["move p99 8c"] = result.percentile(99)
        for clients in CLIENTS:
            cpu, moves = self.cpu.get((label, clients), (0.0, 0))
            if moves:
                row[f"CPU/move {clients}c"] = cpu / moves * 1000
        return row


def measure(targets, rounds: int, scale: float, seconds: float) -> Figures:
    figures = Figures()
    # Whatever else runs on the machine shows in the figures; the report says how much.
    figures.load = [os.getloadavg()[0]]
    for round_number in range(rounds):
        # Rotate who goes first so no server always meets the machine in the same state.
        order = targets[round_number % len(targets) :] + targets[: round_number % len(targets)]
        for kind in KINDS:
            for column, clients in enumerate(CLIENTS):
                total = max(clients, int(COUNTS[kind][column] * scale))
                for target in order:
                    scenario, expect = target.loops[kind]
                    target.before(kind, clients, total)
                    pids = target.pids() if kind == "move" else []
                    cpu_before = cpu_seconds(pids)
                    result = run(
                        target.port,
                        scenario,
                        clients=clients,
                        total=total,
                        expect=expect,
                        seconds=seconds,
                    )
                    cpu = cpu_seconds(pids) - cpu_before if kind == "move" else None
                    target.after(kind, clients)
                    figures.add(target.label, kind, clients, result, cpu)
                    errors = ",".join(f"{k}:{v}" for k, v in result.errors.items())
                    say(
                        f"round {round_number + 1} {kind:7} c={clients} {target.label:28} "
                        f"{result.rps:7.0f}/s" + (f"  errors {errors}" if errors else "")
                    )
    figures.load.append(os.getloadavg()[0])
    return figures


# -- reporting ---------------------------------------------------------------------------

COLUMNS = [
    ("resolve 1c", "resolve/s 1c", "{:.0f}"),
    ("resolve 8c", "resolve/s 8c", "{:.0f}"),
    ("move 1c", "move/s 1c", "{:.0f}"),
    ("move 8c", "move/s 8c", "{:.0f}"),
    ("move p99 8c", "move p99 8c ms", "{:.0f}"),
    ("link 1c", "link/s 1c", "{:.0f}"),
    ("link 8c", "link/s 8c", "{:.0f}"),
    ("CPU/move 1c", "CPU/move 1c ms", "{:.1f}"),
    ("CPU/move 8c", "CPU/move 8c ms", "{:.1f}"),
]


def mlflow_version(venv: Path) -> str:
    return subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import importlib.metadata as m; print(m.version('mlflow'))",
        ],
        capture_output=True,
        text=True,
    ).stdout.strip()


def report(figures: Figures, ours: list, theirs: list, rounds: int, version: str) -> None:
    rows = {target.label: figures.row(target.label) for target in ours + theirs}
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(
        f"\n## Side by side with MLflow {version}, {when}: "
        f"median of {rounds} interleaved rounds, one keep-alive http.client connection per "
        f"client, {os.cpu_count()} cores shared by clients and servers (1-minute load "
        f"average {figures.load[0]:.1f} before, {figures.load[-1]:.1f} after)"
    )
    print("| server | " + " | ".join(title for _, title, _ in COLUMNS) + " |")
    print("| --- |" + " --- |" * len(COLUMNS))
    for label, row in rows.items():
        cells = [fmt.format(row[key]) if key in row else "-" for key, _, fmt in COLUMNS]
        print(f"| {label} | " + " | ".join(cells) + " |")
    for mine in ours:
        for other in theirs:
            cells = []
            for key, _, _ in COLUMNS:
                a, b = rows[mine.label].get(key), rows[other.label].get(key)
                cells.append(f"{a / b:.2f}" if a is not None and b else "-")
            print(f"| {mine.label} ÷ {other.label} | " + " | ".join(cells) + " |")
    print(
        "\nops/s ratios above 1 and p99 / CPU ratios below 1 favour ours. CPU/move: user + "
        "system time of all the server's processes during the move loops, over moves sent."
    )
    errors = [
        f"{label} {kind} c={clients}: {result.errors}"
        for (label, kind, clients), results in figures.results.items()
        for result in results
        if result.errors
    ]
    if errors:
        print("Unexpected statuses (the figures above count them as requests):")
        for line in errors:
            print(f"  {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mlflow-venv", type=Path, default=ROOT / "bench" / ".mlflow-venv")
    parser.add_argument("--rounds", type=int, default=5, help="median of this many rounds")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply request counts")
    parser.add_argument("--seconds", type=float, default=5.0, help="time limit of one loop")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    args.mlflow_venv = args.mlflow_venv.absolute()  # MLflow runs in its own directory
    if not (args.mlflow_venv / "bin" / "mlflow").exists():
        sys.exit(f"no MLflow in {args.mlflow_venv}: `make bench-vs-mlflow` installs it")

    # SIGTERM and SIGHUP unwind like Ctrl-C, through the `finally` that stops the servers;
    # SIGINT too when a shell started this in the background with SIGINT ignored.
    def interrupted(signum, frame):
        raise KeyboardInterrupt

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupted)

    ours: list[Ours] = []
    theirs: list[MLflow] = []
    pg_database = None
    with tempfile.TemporaryDirectory(prefix="bench-vs-mlflow-") as tmp:
        workdir = Path(tmp)
        try:
            # MLflow first: its workers import for a while, in parallel with our setup.
            for label, extra in (
                ("MLflow as shipped (uvicorn)", []),
                (
                    "MLflow gunicorn, TCP_NODELAY",
                    [
                        "--workers",
                        "2",
                        "--gunicorn-opts",
                        "--worker-class gthread --threads 4 --no-control-socket",
                    ],
                ),
            ):
                (home := workdir / f"mlflow-{len(theirs)}").mkdir()
                theirs.append(MLflow(label, args.mlflow_venv, home, extra))
                theirs[-1].start()
            link_total = sum(COUNTS["link"]) * args.scale + sum(CLIENTS) * 2
            sources = int(link_total * args.rounds) + 20
            backends = [("ours, SQLite", f"sqlite:///{workdir / 'ours.sqlite3'}")]
            if args.no_postgres:
                say("PostgreSQL: skipped (--no-postgres)")
            elif psql("postgres", "SELECT 1"):
                pg_database = f"bench_vs_mlflow_{secrets.token_hex(4)}"
                psql("postgres", f"CREATE DATABASE {pg_database}")
                backends.append(("ours, PostgreSQL", f"{BENCH_PG}/{pg_database}"))
            else:
                say(f"PostgreSQL: {BENCH_PG} does not answer; SQLite only")
            for label, url in backends:
                (home := workdir / f"ours-{len(ours)}").mkdir()
                ours.append(Ours(label, url, home))
                say(f"{label}: migrating, {sources} sources to link")
                ours[-1].setup(sources)
                ours[-1].start()
            for target in theirs:
                say(f"{target.label}: waiting for it to answer on port {target.port}")
                target.ready()
                target.setup(sources)
            for target in ours + theirs:
                settle(target)
            figures = measure(ours + theirs, args.rounds, args.scale, args.seconds)
        finally:
            for target in ours + theirs:
                try:
                    target.stop()
                except Exception as error:  # keep stopping the others
                    say(f"{target.label}: stopping failed: {error}")
            if pg_database:
                psql("postgres", f"DROP DATABASE IF EXISTS {pg_database} WITH (FORCE)")
    report(figures, ours, theirs, args.rounds, mlflow_version(args.mlflow_venv))


if __name__ == "__main__":
    main()
