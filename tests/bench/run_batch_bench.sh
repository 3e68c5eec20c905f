#!/usr/bin/env bash
# run_batch_bench.sh — the case-database figures: N generated households (default 1,000,000) generated, imported,
# and evaluated by `entitle batch` with the full library and with the toy rule set; elapsed time, households/s
# and peak RSS of each step (GNU time); then the same import and batches into a local PostgreSQL server (started for
# the run with default durability, Unix socket) and two batch workers at once on it.
# Usage: tests/bench/run_batch_bench.sh [BUILD_DIR] [N]
set -euo pipefail
build="${1:-build/release}"; n="${2:-1000000}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
entitle="$root/$build/cli/entitle"
tmp="$(mktemp -d)"
pgdir="/tmp/entitle-bench-pg-$$"
trap 'bash "$root/tests/pg/pg_server.sh" stop "$pgdir"; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/toy"
cp "$root/rules/schema.rules" "$root/rules/regions.rules" "$root/tests/bench/toy/toy_programs.rules" "$tmp/toy/"
measure() { # label, command…
  local label="$1"; shift
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" > "$tmp/out" 2> "$tmp/err" || { cat "$tmp/err"; exit 1; }
  read -r secs kb < "$tmp/time"
  printf '%-38s %8.2f s   peak RSS %7.1f MB' "$label" "$secs" "$(echo "$kb / 1024" | bc -l)"
  [ -n "${3:-}" ] || true
  echo "$secs" > "$tmp/last"
}
rate() { printf '   %10.0f households/s\n' "$(echo "$n / $(cat "$tmp/last")" | bc -l)"; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); households: $n"
measure "gen (JSON Lines)" "$entitle" gen --households "$n" --region 140521 --seed 1 --rules "$root/rules" --out "$tmp/pop.jsonl"; rate
measure "import into SQLite" "$entitle" import "$tmp/pop.jsonl" --db "$tmp/cases.db" --rules "$root/rules" --today 2026-11-22; rate
measure "batch, toy rule set (2 threads)" "$entitle" -v batch --db "$tmp/cases.db" --rules "$tmp/toy" --period 2026-01; rate
grep -o 'evaluation .* s, writing .* s' "$tmp/err" | sed 's/^/      /'
measure "batch, full library (2 threads)" "$entitle" -v batch --db "$tmp/cases.db" --rules "$root/rules" --period 2026-01; rate
grep -o 'evaluation .* s, writing .* s' "$tmp/err" | sed 's/^/      /'
echo "decisions stored: $(grep -c . "$tmp/pop.jsonl") households; database $(du -h "$tmp/cases.db" | cut -f1)"

echo
bash "$root/tests/pg/pg_server.sh" start "$pgdir" durable
pg="postgresql://postgres@/entitle_bench?host=$pgdir"
psql -q "postgresql://postgres@/postgres?host=$pgdir" -c "CREATE DATABASE entitle_bench"
export XDG_DATA_HOME="$tmp/xdg"
measure "import into PostgreSQL" "$entitle" import "$tmp/pop.jsonl" --db "$pg" --rules "$root/rules" --today 2026-11-22; rate
measure "batch on PostgreSQL, toy (2 threads)" "$entitle" -v batch --db "$pg" --rules "$tmp/toy" --period 2026-01; rate
grep -o 'evaluation .* s, writing .* s' "$tmp/err" | sed 's/^/      /'
measure "batch on PostgreSQL, full (2 threads)" "$entitle" -v batch --db "$pg" --rules "$root/rules" --period 2026-01; rate
grep -o 'evaluation .* s, writing .* s' "$tmp/err" | sed 's/^/      /'
measure "PostgreSQL, full, 2 workers × 1 thread" bash -c '"$0" batch --db "$1" --rules "$2" --period 2026-02 --threads 1 --shard 1/2 &
  "$0" batch --db "$1" --rules "$2" --period 2026-02 --threads 1 --shard 2/2 && wait $!' "$entitle" "$pg" "$root/rules"; rate
echo "PostgreSQL database: $(psql -qtA "$pg" -c "SELECT pg_size_pretty(pg_database_size('entitle_bench'))")"
