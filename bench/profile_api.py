"""Where an API request's time goes under gunicorn: py-spy samples the workers while a
load loop runs. Not a test: it prints figures.

    .venv/bin/python bench/profile_api.py [--database-url URL] [--scenario "move alias"]
                                          [--clients 1] [--seconds 10]

Serves like `make bench-api` (bench/api_bench.py's Server: gunicorn 2 gthread workers x 4
threads, its data), runs one scenario for `--seconds` with keep-alive clients while
`py-spy record` samples every worker (raw stacks, `--nonblocking`, so the workers are
not paused), then prints the requests/s and, of all samples taken inside a request, the
share that passed through each of our functions and through PostgreSQL's client waiting
for an answer. Without --database-url it uses a scratch SQLite database. py-spy comes
with `make install-dev`.
"""

from __future__ import annotations

import argparse
import collections
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_bench import Server, scenarios  # noqa: E402
from api_load import run  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY_SPY = ROOT / ".venv" / "bin" / "py-spy"
IN_REQUEST = "WSGIHandler.__call__"
# psycopg's frames that hand a statement to libpq and wait for its answer.
WAITING = ("Connection.wait (psycopg", "_send_query_prepared (psycopg", "_exec_command (psycopg")


def workers(master: int) -> list[str]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return out.split()


def shares(paths: list[Path]) -> tuple[int, collections.Counter, int]:
    """(samples inside a request, samples per function of ours, samples waiting on the
    database), from py-spy's raw output (one `frame;frame;... count` line per stack)."""
    inside, waiting, ours = 0, 0, collections.Counter()
    for path in paths:
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if IN_REQUEST not in stack:
                continue
            count = int(count)
            inside += count
            frames = stack.split(";")
            if any(w in frames[-1] for w in WAITING):
                waiting += count
            seen = set()
            for frame in frames:
                if "(registry/" in frame:
                    name = re.sub(r":\d+\)$", ")", frame)
                    if name not in seen:
                        seen.add(name)
                        ours[name] += count
    return inside, ours, waiting


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--scenario", default="move alias")
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    if not PY_SPY.exists():
        raise SystemExit(f"{PY_SPY} is missing: run `make install-dev`.")

    workdir = Path(tempfile.mkdtemp(prefix="profile-api-"))
    url = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"
    server = Server(url, workdir)
    data = server.setup(sources=4000)
    plan = scenarios(data)
    if args.scenario not in plan:
        names = sorted(name for name in plan if name != "state")
        raise SystemExit(f"no scenario {args.scenario!r}; there are {names}")
    scenario, expect = plan[args.scenario]
    plan["state"]["link_per"] = 4000 // args.clients - 1
    server.start()
    try:
        run(server.port, scenario, clients=args.clients, total=100, expect=expect)  # warm up
        master = int(server.pidfile.read_text())
        outputs, spies = [], []
        for pid in workers(master):
            out = workdir / f"py-spy-{pid}.txt"
            outputs.append(out)
            seconds = str(args.seconds + 2)
            command = [str(PY_SPY), "record", "--pid", pid, "--duration", seconds, "--rate", "250"]
            command += ["--format", "raw", "--output", str(out), "--nonblocking"]
            spies.append(subprocess.Popen(command, stdout=subprocess.DEVNULL))
        time.sleep(0.5)
        result = run(
            server.port,
            scenario,
            clients=args.clients,
            total=1_000_000,
            expect=expect,
            seconds=args.seconds,
        )
        for spy in spies:
            if spy.wait() != 0:
                raise SystemExit("py-spy failed (it needs to be allowed to trace other processes)")
    finally:
        server.stop()
    inside, ours, waiting = shares(outputs)
    print(f"{args.scenario}, {args.clients} client(s): {result.rps:.0f} req/s")
    print(f"samples inside a request: {inside}; waiting on the database: {waiting / inside:.1%}")
    for name, count in ours.most_common(args.top):
        print(f"{count / inside:6.1%}  {name}")


if __name__ == "__main__":
    main()
