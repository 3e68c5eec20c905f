#!/usr/bin/env bash
# run_toy_bench.sh — the race of issue 10: the toy rule set (tests/bench/toy/toy_programs.rules) over N generated
# households (entitle_toy_gen), JSON Lines file → JSON Lines results, `entitle eval` against the plain-JavaScript
# reference (tests/bench/toy_reference.js) in the same run, at 10k, 100k and 1M households (and 10M generated on the
# fly into eval, nothing kept, unless SKIP_10M=1). Prints wall time, CPU time, peak RSS (GNU time), households/s, the
# ratio to JavaScript, and whether every amount agrees with the reference. Figures only; nothing is asserted.
# Usage: tests/bench/run_toy_bench.sh [BUILD_DIR] [THREADS]
set -euo pipefail
build="${1:-build/release}"; threads="${2:-$(nproc)}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
entitle="$root/$build/cli/entitle"; gen="$root/$build/tests/entitle_toy_gen"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/toy"
cp "$root/rules/schema.rules" "$root/rules/regions.rules" "$root/tests/bench/toy/toy_programs.rules" "$tmp/toy/"
period=2026-01

# measure LABEL N COMMAND…: one line of figures; the command's stdout goes to $tmp/out unless it redirects itself.
measure() {
  local label="$1" n="$2"; shift 2
  /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$@" 2> "$tmp/err" || { cat "$tmp/err" "$tmp/time"; exit 1; }
  read -r wall user sys kb < "$tmp/time"
  printf '  %-34s %8.2f s wall %8.2f s CPU   peak RSS %7.1f MB  %11.0f households/s\n' "$label" "$wall" \
    "$(echo "$user + $sys" | bc -l)" "$(echo "$kb / 1024" | bc -l)" "$(echo "$n / $wall" | bc -l)"
  echo "$wall" > "$tmp/last"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB; node $(node --version); eval threads: $threads"
for n in 10000 100000 1000000; do
  "$gen" "$n" > "$tmp/households.jsonl"
  echo "$n households ($(du -m "$tmp/households.jsonl" | cut -f1) MB of JSON Lines, $(grep -o '"relation"' "$tmp/households.jsonl" | wc -l) persons):"
  measure "entitle eval --format json" "$n" sh -c "'$entitle' eval --rules '$tmp/toy' --household '$tmp/households.jsonl' --period $period --threads $threads > '$tmp/results.jsonl'"
  ours=$(cat "$tmp/last")
  measure "plain JavaScript (node)" "$n" node "$root/tests/bench/toy_reference.js" "$tmp/households.jsonl" "$tmp/reference.jsonl" $period
  theirs=$(cat "$tmp/last")
  printf '  %-34s %8.1f×   (results: %d MB entitle, %d MB JavaScript)\n' "JavaScript time / entitle time" \
    "$(echo "$theirs / $ours" | bc -l)" "$(du -m "$tmp/results.jsonl" | cut -f1)" "$(du -m "$tmp/reference.jsonl" | cut -f1)"
  printf '  %s\n' "$(node "$root/tests/bench/toy_reference.js" "$tmp/households.jsonl" --compare "$tmp/results.jsonl" $period)"
done
rm -f "$tmp/households.jsonl" "$tmp/results.jsonl" "$tmp/reference.jsonl"
if [ "${SKIP_10M:-0}" != 1 ]; then
  echo "10000000 households, generated on the fly into eval (results counted, not kept):"
  measure "entitle_toy_gen | entitle eval" 10000000 sh -c "'$gen' 10000000 | '$entitle' eval --rules '$tmp/toy' --household /dev/stdin --period $period --threads $threads | wc -l > '$tmp/count'"
  echo "  results: $(cat "$tmp/count")"
fi
