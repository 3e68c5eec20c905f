#!/usr/bin/env bash
# run_suite.sh BUILD_DIR [CTEST_ARGS...] — runs the whole ctest suite of a -DENTITLE_SANITIZE=ON build (ASan + UBSan) and
# fails on any sanitizer report from any process the tests start, including those whose exit status a test does not
# look at (the `entitle serve` of the API and browser tests, CLI runs expected to fail with exit 1 or 2).
#
# Every instrumented process writes its reports to BUILD_DIR/sanitizer-reports/ (log_path), not to its stderr: after
# ctest, any file there is printed and fails the run. Leak detection is on (LeakSanitizer); lsan.supp beside this
# script lists the third-party leaks suppressed, each with its reason. Uninstrumented programs (Chromium, node,
# sqlite3) ignore these variables.
set -uo pipefail
if [ $# -lt 1 ]; then echo "usage: $0 BUILD_DIR [CTEST_ARGS...]" >&2; exit 2; fi
build=$(cd "$1" && pwd)
shift
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
grep -q '^ENTITLE_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null ||
  { echo "run_suite: $build is not a -DENTITLE_SANITIZE=ON build" >&2; exit 2; }

reports="$build/sanitizer-reports"
rm -rf "$reports" && mkdir -p "$reports"
export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:strict_string_checks=1:check_initialization_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

ctest --test-dir "$build" --output-on-failure -j"$(nproc)" "$@"
rc=$?
found=$(find "$reports" -type f | sort)
if [ -n "$found" ]; then
  echo "run_suite: sanitizer reports (from processes the tests started):" >&2
  for f in $found; do echo "---- $f" >&2; head -n 60 "$f" >&2; done
  exit 1
fi
exit $rc
