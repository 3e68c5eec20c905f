#!/usr/bin/env bash
# run_fuzz.sh SECONDS [TARGET...] — builds the libFuzzer targets (clang, ASan + UBSan) in build/fuzz and runs each for
# SECONDS, one after another, printing executions, coverage and findings per target. Targets: rules household import
# (default: all). Installs clang and its fuzzer runtime when missing (Debian 12: clang-14, libclang-rt-14-dev).
#
# The working corpus grows in build/fuzz/corpus/TARGET (seeded from tests/fuzz/corpus/TARGET); findings (crash-*,
# timeout-*, leak-*, oom-*) land in build/fuzz/findings/TARGET/, the log in build/fuzz/logs/TARGET.log. A finding
# becomes a regression input: copy it to tests/fuzz/regressions/TARGET/ (ctest fuzz_replay_TARGET replays it).
# Environment: FUZZ_JOBS (make -j, default 2), FUZZ_NICE (nice level, default 10), FUZZ_KEEP_GOING=1 (fork mode: go on
# after a finding and collect them all), FUZZ_ARGS (more libFuzzer flags).
set -euo pipefail
cd "$(dirname "$0")/../.."
# libFuzzer reads -max_total_time=0 as "no limit", so 0 is refused rather than running for ever.
if [ $# -lt 1 ] || ! [[ $1 =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: tests/fuzz/run_fuzz.sh SECONDS [rules|household|import ...]  (SECONDS at least 1)" >&2
  exit 2
fi
seconds=$1
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(rules household import)
for t in "${targets[@]}"; do
  case "$t" in rules|household|import) ;; *) echo "run_fuzz: unknown target '$t' (rules, household, import)" >&2; exit 2 ;; esac
done

# What the engine's build needs (build.sh's list, without the test-only packages) and clang with libFuzzer.
packages=(cmake make libboost1.74-dev libboost-date-time1.74-dev libsqlitecpp-dev libsqlite3-dev libspdlog-dev
          libcli11-dev nlohmann-json3-dev libcpp-httplib-dev libsodium-dev libsimdjson-dev pkg-config clang)
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
install() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "run_fuzz: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}
install "${packages[@]}"
# libFuzzer ships in the compiler-rt package of the clang version installed (Debian 12: libclang-rt-14-dev).
major=$(clang++ -dumpversion | cut -d. -f1)
if [ ! -f "$(clang++ -print-runtime-dir)/libclang_rt.fuzzer-x86_64.a" ] && [ ! -f "$(clang++ -print-runtime-dir)/libclang_rt.fuzzer.a" ]; then
  install "libclang-rt-$major-dev"
fi

build=build/fuzz
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DENTITLE_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
nice -n "${FUZZ_NICE:-10}" cmake --build "$build" -j"${FUZZ_JOBS:-2}" --target $(printf 'fuzz_%s ' "${targets[@]}")

# Per target: the dictionary, and the longest input tried (rule files are longer than household files).
dict_of() { case "$1" in rules) echo tests/fuzz/rules.dict ;; *) echo tests/fuzz/household.dict ;; esac; }
max_len_of() { case "$1" in rules) echo 20000 ;; *) echo 8192 ;; esac; }

# Leaks are findings; UBSan stops at the first report (the build says -fno-sanitize-recover=undefined).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
summary=()
status=0
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t" findings="$build/findings/$t" log="$build/logs/$t.log"
  mkdir -p "$corpus" "$findings" "$(dirname "$log")"
  mode=()
  [ "${FUZZ_KEEP_GOING:-0}" = 1 ] && mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  before=$(find "$findings" -type f | wc -l)
  echo "== fuzz_$t for ${seconds}s (log: $log)"
  set +e
  # shellcheck disable=SC2086
  nice -n "${FUZZ_NICE:-10}" "$build/tests/fuzz/fuzz_$t" "${mode[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len="$(max_len_of "$t")" -dict="$(dict_of "$t")" -artifact_prefix="$findings/" -print_final_stats=1 \
    ${FUZZ_ARGS:-} "$corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  set -e
  after=$(find "$findings" -type f | wc -l)
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
  execs=$(grep -E '^stat::number_of_executed_units:' "$log" | tail -n 1 | awk '{print $2}')
  [ -n "$execs" ] || execs=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$last")
  cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | awk '{print $2}')
  ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | awk '{print $2}')
  files=$(find "$corpus" -type f | wc -l)
  line="fuzz_$t: ${execs:-?} executions in ${seconds}s, coverage ${cov:-?} edges / ${ft:-?} features, corpus $files files, $((after - before)) new finding(s) (exit $rc)"
  summary+=("$line")
  echo "$line"
  if [ $((after - before)) -gt 0 ] || [ $rc -ne 0 ]; then
    status=1
    grep -E '^==[0-9]+==ERROR|runtime error|SUMMARY|== entitle fuzz target|Test unit written|deadly signal|timeout after' "$log" | head -n 20 || true
  fi
done
echo "== summary"
printf '%s\n' "${summary[@]}"
exit $status
