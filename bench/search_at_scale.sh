#!/usr/bin/env bash
# Search benchmark end to end on PostgreSQL: seed two scratch databases (10k and N
# versions), measure, and drop them. Usage: bench/search_at_scale.sh [N=1000000]
#
# The databases are named after the git branch (BENCH_DB_PREFIX overrides), so benches run
# from several worktrees on one server do not drop each other's data. BENCH_KEEP=1 keeps
# them (and reuses a database that is already seeded) to measure again without reseeding.
set -euo pipefail
N=${1:-1000000}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
PY=.venv/bin/python
export SECRET_KEY=${SECRET_KEY:-bench-only-secret-key-$(printf 'x%.0s' {1..40})}
branch=$(git rev-parse --abbrev-ref HEAD 2>/dev/null | tr -c 'A-Za-z0-9\n' '_' || echo local)
prefix=${BENCH_DB_PREFIX:-bench_search_${branch}}
dbs=("${prefix}_10000" "${prefix}_$N")
drop() { for db in "${dbs[@]}"; do psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1; done; }
if [ "${BENCH_KEEP:-0}" != 1 ]; then trap drop EXIT; drop; fi
for i in 0 1; do
  db=${dbs[$i]}; n=$([ "$i" = 0 ] && echo 10000 || echo "$N")
  psql "$PG/postgres" -qc "CREATE DATABASE $db" 2>/dev/null || true
  DATABASE_URL="$PG/$db" $PY manage.py migrate -v0
  have=$(psql "$PG/$db" -tAc "SELECT count(*) FROM registry_linkedversion")
  if [ "$have" -ge "$n" ]; then echo "$db already holds $have versions"; continue; fi
  echo "seeding $db with $n versions…"
  /usr/bin/time -f "  seeded in %e s" env DATABASE_URL="$PG/$db" $PY manage.py seed_bulk --versions "$n"
done
$PY bench/search_bench.py --db "$PG/${dbs[0]}" --db "$PG/${dbs[1]}"
