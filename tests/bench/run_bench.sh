#!/usr/bin/env bash
# run_bench.sh — builds nothing; runs the benchmark binary of a build directory and prints the figures.
# Usage: tests/bench/run_bench.sh BUILD_DIR   (the README's `./build.sh bench` builds Release and calls this)
set -euo pipefail
build="${1:-build/release}"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
"$build/tests/entitle_bench" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_counters_tabular=true
