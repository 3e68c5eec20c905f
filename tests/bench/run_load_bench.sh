#!/usr/bin/env bash
# run_load_bench.sh — the HTTP load figures: CLIENTS concurrent clients (default 50) × REQUESTS calculations each
# (default 2,000) against a local `entitle serve` on a temporary database of 1,000 generated 沁水县 households; each
# client logs in once and POSTs /api/calculate over one keep-alive connection. Prints errors (must be 0), requests/s,
# p50/p90/p99/max latency as the clients saw it and as the server's access log measured it, the machine and the
# server's thread count. Builds nothing; figures are printed, never asserted (the exit status is 1 if a request failed).
#
# Usage: tests/bench/run_load_bench.sh BUILD_DIR [CLIENTS] [REQUESTS]
#   ENTITLE_LOAD_THREADS="8 64"  the --threads values to run the server with, one run each (default: 8, then 64)
#   ENTITLE_LOAD_PERF=1          also sample the server with `perf record` and print its hottest symbols
#   ENTITLE_LOAD_CLIENT_ARGS     more options for tests/bench/load_client.cpp (e.g. "--nodelay off --timeout 300")
set -euo pipefail
build="${1:-build/release}"; clients="${2:-50}"; requests="${3:-2000}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
case "$build" in /*) ;; *) build="$root/$build" ;; esac
entitle="$build/cli/entitle"; client="$build/tests/entitle_load_client"
for b in "$entitle" "$client"; do [ -x "$b" ] || { echo "run_load_bench.sh: $b is not built" >&2; exit 2; }; done
tmp="$(mktemp -d)"; server=""; perf_pid=""; client_pid=""
cleanup() {
  [ -z "$client_pid" ] || kill -TERM "$client_pid" 2>/dev/null || true
  [ -z "$perf_pid" ] || kill -INT "$perf_pid" 2>/dev/null || true
  [ -z "$server" ] || { kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null; } || true
  rm -rf "$tmp"
}
trap cleanup EXIT

ram="$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), RAM $ram; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "load: $clients clients x $requests calculations (POST /api/calculate, keep-alive), client and server on this machine"
"$entitle" gen --households 1000 --region 140521 --seed 5 --rules "$root/rules" --out "$tmp/records.jsonl" > /dev/null
"$entitle" gen --households 1000 --region 140521 --seed 5 --rules "$root/rules" --db "$tmp/cases.db" > /dev/null
echo bench-password | "$entitle" user add bench --role county --db "$tmp/cases.db" --rules "$root/rules" --password-stdin > /dev/null

# Percentiles (nearest rank) of a file of integers, one a line, sorted: "p50 … p90 … p99 … max …" in milliseconds.
percentiles() {
  awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "(none)"; exit }
    n = split("50 90 99", ps, " ")
    for (i = 1; i <= n; ++i) { r = int(NR * ps[i] / 100); if (r < NR * ps[i] / 100) ++r; if (r < 1) r = 1
      printf "p%s %.2f ms   ", ps[i], v[r] / 1000 }
    printf "max %.2f ms\n", v[NR] / 1000 }' "$1"
}

# The kernel's TCP counters that tell of a listen queue too short for the connections arriving at once (cpp-httplib
# 0.11 listens with a backlog of 5): machine-wide, so another program's connections count too.
tcp_counters() {
  awk '/^TcpExt:/ { if (!h) { for (i = 2; i <= NF; ++i) name[i] = $i; h = 1 } else for (i = 2; i <= NF; ++i) v[name[i]] = $i }
       END { print v["ListenOverflows"] + 0, v["ListenDrops"] + 0, v["SyncookiesSent"] + 0, v["SyncookiesFailed"] + 0 }' /proc/net/netstat
}

failed=0
for threads in ${ENTITLE_LOAD_THREADS:-8 64}; do
  echo
  echo "== entitle serve --threads $threads"
  port="$("$client" --free-port)"
  log="$tmp/serve.$threads.log"
  "$entitle" serve --db "$tmp/cases.db" --rules "$root/rules" --listen "127.0.0.1:$port" --threads "$threads" > "$log" 2>&1 &
  server=$!
  for _ in $(seq 200); do
    grep -q "entitle: serving" "$log" && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    kill -0 "$server" 2>/dev/null || { echo "the server did not start:"; cat "$log"; exit 1; }
    sleep 0.05
  done
  read -r lo0 ld0 cs0 cf0 < <(tcp_counters)
  rm -f "$tmp/started"
  "$client" --port "$port" --records "$tmp/records.jsonl" --clients "$clients" --requests "$requests" \
    --user bench --password bench-password --period 2026-01 --ready-file "$tmp/started" ${ENTITLE_LOAD_CLIENT_ARGS:-} &
  client_pid=$!
  if [ "${ENTITLE_LOAD_PERF:-0}" = 1 ] && command -v perf > /dev/null; then
    # Sample the calculations only, not the logins (argon2id would dominate): start when the clients' clock starts.
    while [ ! -e "$tmp/started" ] && kill -0 "$client_pid" 2>/dev/null; do sleep 0.05; done
    perf record -q -F 499 -g -p "$server" -o "$tmp/perf.data" > /dev/null 2>&1 &
    perf_pid=$!
  fi
  status=0
  wait "$client_pid" || status=$?
  client_pid=""
  [ "$status" -eq 0 ] || failed=1
  read -r lo1 ld1 cs1 cf1 < <(tcp_counters)
  echo "kernel (TCP)    listen queue overflows $((lo1 - lo0)), SYNs dropped $((ld1 - ld0)), SYN cookies sent $((cs1 - cs0)), failed $((cf1 - cf0)) (listen backlog $(ss -Hltn "sport = :$port" 2>/dev/null | awk '{ print $3 }'))"
  echo "load average    $(cut -d' ' -f1-3 /proc/loadavg) at the end (other work on the machine competes for the same cores)"
  # The process's threads: the --threads request pool, plus the accept loop (main) and the signal waiter.
  echo "server threads  $(awk '/^Threads:/ { print $2 }' "/proc/$server/status") in the process (--threads $threads request pool + accept loop + signal waiter)"
  if [ -n "$perf_pid" ]; then kill -INT "$perf_pid"; wait "$perf_pid" || true; perf_pid=""; fi
  kill -TERM "$server"
  wait "$server" || echo "the server exited with status $?"
  server=""
  # The server's own time per calculation (access log: from the request's headers read — cpp-httplib 0.11 reads the
  # body after that — to the response handed to the socket).
  { grep -o 'POST /api/calculate 200 [0-9]* [0-9]*us' "$log" || true; } | awk '{ sub(/us$/, "", $5); print $5 }' | sort -n > "$tmp/server_us"
  echo "server side     $(wc -l < "$tmp/server_us") calculations logged; handler time $(percentiles "$tmp/server_us")"
  if [ -f "$tmp/perf.data" ]; then
    echo "hottest symbols in the server (perf, self time):"
    { perf report -i "$tmp/perf.data" --stdio --no-children --sort dso,symbol 2>/dev/null || true; } |
      awk '/^ +[0-9.]+%/ && n++ < 25 { sub(/ +-? +-? *$/, ""); print substr($0, 1, 150) }'
    rm -f "$tmp/perf.data"
  fi
done
exit "$failed"
