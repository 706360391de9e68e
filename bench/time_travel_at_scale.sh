#!/usr/bin/env bash
# Time travel and compare benchmark on PostgreSQL: seed a scratch database with N versions
# (and N alias history rows), measure, drop it. Usage: bench/time_travel_at_scale.sh [N=1000000]
set -euo pipefail
N=${1:-1000000}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
PY=.venv/bin/python
DB=bench_time_travel
export SECRET_KEY=${SECRET_KEY:-bench-only-secret-key-$(printf 'x%.0s' {1..40})}
cleanup() { psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1; }
trap cleanup EXIT
cleanup
psql "$PG/postgres" -qc "CREATE DATABASE $DB"
DATABASE_URL="$PG/$DB" $PY manage.py migrate -v0
echo "seeding $DB with $N versions…"
/usr/bin/time -f "  seeded in %e s" env DATABASE_URL="$PG/$DB" $PY manage.py seed_bulk --versions "$N"
DATABASE_URL="$PG/$DB" MEDIA_ROOT="$(mktemp -d)" $PY bench/time_travel_bench.py ${BENCH_ARGS:-}
