#!/usr/bin/env bash
# run_batch_bench.sh — the case-database figures: N generated households (default 1,000,000) generated, imported,
# and evaluated by `entitle batch` with the full library and with the toy rule set; elapsed time, households/s
# and peak RSS of each step (GNU time). Usage: tests/bench/run_batch_bench.sh [BUILD_DIR] [N]
set -euo pipefail
build="${1:-build/release}"; n="${2:-1000000}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
entitle="$root/$build/cli/entitle"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
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
