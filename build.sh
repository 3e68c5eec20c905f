#!/usr/bin/env bash
# build.sh — the project's two entry points: `./build.sh run` (build Release, run the sample job) and `./build.sh test` (build, run every test).
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the build needs; installed only when missing.
PACKAGES=(g++ cmake make libboost1.74-dev libboost-date-time1.74-dev libsqlitecpp-dev libsqlite3-dev
          libspdlog-dev libcli11-dev nlohmann-json3-dev libgtest-dev libbenchmark-dev
          libcpp-httplib-dev libsodium-dev libsimdjson-dev pkg-config sqlite3 libpq-dev postgresql)
# What the web tests need besides: Debian's Chromium (never a downloaded browser), CJK fonts, PDF tools, Node.js.
WEB_TEST_PACKAGES=(chromium fonts-noto-cjk fontconfig poppler-utils nodejs npm curl)

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    # Node.js may come from elsewhere than Debian (NodeSource ships npm inside nodejs): a working command is enough.
    case "$p" in nodejs) command -v node >/dev/null && continue ;; npm) command -v npm >/dev/null && continue ;; esac
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
    echo "== the tamper-evident ledger (docs/trust.md): every write above is a signed entry; keep the public key elsewhere"
    $entitle audit verify --db "$demo/qinshui.db" --public-key "$($entitle audit key --db "$demo/qinshui.db" 2>/dev/null)"
    echo "== the web application on a demo database (one demo user per role)"
    web_db="$demo/web.db"
    $entitle gen --households 2000 --region 140521 --seed 2026 --rules rules/ --db "$web_db" >/dev/null
    for u in "caseworker caseworker 140521103" "county county" "auditor auditor" "admin admin"; do
      set -- $u
      echo "demo-$1-2026" | $entitle user add "$1" --role "$2" ${3:+--township $3} --db "$web_db" --password-stdin >/dev/null
    done
    listen="${ENTITLE_LISTEN:-127.0.0.1:8080}"
    echo "   open http://$listen/ and log in as caseworker / demo-caseworker-2026 (端氏镇), county / demo-county-2026,"
    echo "   auditor / demo-auditor-2026 or admin / demo-admin-2026. Stop with Ctrl-C."
    exec $entitle serve --db "$web_db" --rules rules/ --listen "$listen"
    ;;
  test)
    PACKAGES+=("${WEB_TEST_PACKAGES[@]}")
    install_missing
    # The whole suite on a build with AddressSanitizer + UndefinedBehaviorSanitizer (docs/fuzzing.md): run_suite.sh fails
    # on a failed test and on any sanitizer report from any process the tests start (servers, CLI runs expected to fail).
    cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DENTITLE_SANITIZE=ON >/dev/null
    cmake --build build/asan -j"$(nproc)"
    bash tests/sanitize/run_suite.sh build/asan
    ;;
  test-plain)
    # The same suite without sanitizers (faster to build and run while working; CI runs `test`).
    PACKAGES+=("${WEB_TEST_PACKAGES[@]}")
    install_missing
    build build/test RelWithDebInfo
    ctest --test-dir build/test --output-on-failure -j"$(nproc)"
    ;;
  bench)
    PACKAGES+=(time bc nodejs)
    install_missing
    build build/release Release
    bash tests/bench/run_bench.sh build/release
    # The race of issue 10: toy rule set, JSON Lines → results, entitle eval against plain JavaScript (node).
    bash tests/bench/run_toy_bench.sh build/release
    bash tests/bench/run_batch_bench.sh build/release "${2:-1000000}"
    # HTTP load: 50 concurrent keep-alive clients against `entitle serve` (--threads 8, then 64); $3 calculations each (default 100).
    bash tests/bench/run_load_bench.sh build/release 50 "${3:-100}"
    ;;
  *)
    echo "usage: ./build.sh run|test|test-plain|bench" >&2; exit 2 ;;
esac
