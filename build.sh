#!/usr/bin/env bash
# build.sh — the project's two entry points: `./build.sh run` (build Release, run the sample job) and `./build.sh test` (build, run every test).
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the build needs; installed only when missing.
PACKAGES=(g++ cmake make libboost1.74-dev libboost-date-time1.74-dev libsqlitecpp-dev libsqlite3-dev
          libspdlog-dev libcli11-dev nlohmann-json3-dev libgtest-dev libbenchmark-dev)

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

build() { # $1 = build dir, $2 = build type
  cmake -S . -B "$1" -DCMAKE_BUILD_TYPE="$2" >/dev/null
  cmake --build "$1" -j"$(nproc)"
}

case "${1:-}" in
  run)
    install_missing
    build build/release Release
    ./build/release/cli/entitle check rules/
    ./build/release/cli/entitle test rules/
    ./build/release/cli/entitle eval --rules rules/ --household rules/samples/households.jsonl --period 2026-01 --format text
    ./build/release/cli/entitle doc rules/ --out build/catalogue
    ;;
  test)
    install_missing
    build build/test RelWithDebInfo
    ctest --test-dir build/test --output-on-failure -j"$(nproc)"
    ;;
  bench)
    install_missing
    build build/release Release
    bash tests/bench/run_bench.sh build/release
    ;;
  *)
    echo "usage: ./build.sh run|test|bench" >&2; exit 2 ;;
esac
