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
    entitle=./build/release/cli/entitle
    echo "== the rule library: check, tests, catalogue"
    $entitle check rules/
    $entitle test rules/ | tail -n 4
    $entitle doc rules/ --out build/catalogue
    echo "== the county job: 10,000 synthetic 沁水县 households, January 2026, then a standards raise"
    demo=build/demo
    rm -rf "$demo" && mkdir -p "$demo"
    $entitle gen --households 10000 --region 140521 --seed 2026 --rules rules/ --db "$demo/qinshui.db"
    $entitle batch --db "$demo/qinshui.db" --rules rules/ --period 2026-01
    cp -r rules "$demo/rules_raised"
    mkdir -p "$demo/rules_raised/local"
    cp rules/samples/dibao_raise_2026.rules.example "$demo/rules_raised/local/dibao_raise_2026.rules"
    $entitle batch --db "$demo/qinshui.db" --rules "$demo/rules_raised" --period 2026-01 --compare-to 1 --report "$demo/report"
    echo "== impact report: $demo/report/report.html (changes.csv, losers.csv, review.csv, summary.csv beside it); catalogue: build/catalogue/catalogue.html"
    ;;
  test)
    install_missing
    build build/test RelWithDebInfo
    ctest --test-dir build/test --output-on-failure -j"$(nproc)"
    ;;
  bench)
    PACKAGES+=(time bc)
    install_missing
    build build/release Release
    bash tests/bench/run_bench.sh build/release
    bash tests/bench/run_batch_bench.sh build/release "${2:-1000000}"
    ;;
  *)
    echo "usage: ./build.sh run|test|bench" >&2; exit 2 ;;
esac
