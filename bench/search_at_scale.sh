#!/usr/bin/env bash
# Search benchmark end to end on PostgreSQL: seed two scratch databases (10k and N
# versions), measure, and drop them. Usage: bench/search_at_scale.sh [N=1000000]
set -euo pipefail
N=${1:-1000000}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
PY=.venv/bin/python
export SECRET_KEY=${SECRET_KEY:-bench-only-secret-key-$(printf 'x%.0s' {1..40})}
dbs=(bench_search_10k "bench_search_$N")
cleanup() { for db in "${dbs[@]}"; do psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1; done; }
trap cleanup EXIT
cleanup
for i in 0 1; do
  db=${dbs[$i]}; n=$([ "$i" = 0 ] && echo 10000 || echo "$N")
  psql "$PG/postgres" -qc "CREATE DATABASE $db"
  DATABASE_URL="$PG/$db" $PY manage.py migrate -v0
  echo "seeding $db with $n versions…"
  /usr/bin/time -f "  seeded in %e s" env DATABASE_URL="$PG/$db" $PY manage.py seed_bulk --versions "$n"
done
$PY bench/search_bench.py --db "$PG/${dbs[0]}" --db "$PG/${dbs[1]}"
