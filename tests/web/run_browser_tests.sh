#!/usr/bin/env bash
# run_browser_tests.sh BUILD_DIR — the browser tests of the web application (tests/web/app.spec.js).
# Creates a temporary case database (200 generated 沁水县 households) and users, starts `entitle serve` on a free
# loopback port, runs Playwright with Debian's chromium (/usr/bin/chromium; no browser is ever downloaded), stops
# the server. Screenshots of every page go to tests/web/artifacts/ (with notice.pdf and the server log).
# ENTITLE_DOCS_IMG=docs/img also rewrites the screenshots of docs/caseworker.md, docs/auditor.md and docs/county-office.md.
# Needs: node and npm (Debian: nodejs, npm), chromium, fonts-noto-cjk; poppler-utils (pdftotext) for the PDF text check.
set -euo pipefail

if [ $# -lt 1 ]; then echo "usage: $0 BUILD_DIR" >&2; exit 2; fi
BUILD=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ENTITLE="$BUILD/cli/entitle"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ -n "${ENTITLE_DOCS_IMG:-}" ]; then mkdir -p "$ENTITLE_DOCS_IMG"; ENTITLE_DOCS_IMG=$(cd "$ENTITLE_DOCS_IMG" && pwd); export ENTITLE_DOCS_IMG; fi

fail() { echo "run_browser_tests: ERROR: $*" >&2; exit 1; }
[ -x "$ENTITLE" ] || fail "$ENTITLE not found or not executable (build the project first)"
command -v node >/dev/null 2>&1 || fail "node is missing (Debian: apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 || fail "npm is missing (Debian: apt-get install npm)"
[ -x "$CHROMIUM" ] || fail "$CHROMIUM is missing (Debian: apt-get install chromium); the tests never download a browser"
fc-list 2>/dev/null | grep -i 'Noto Sans CJK' >/dev/null || echo "run_browser_tests: warning: no Noto Sans CJK font (apt-get install fonts-noto-cjk); screenshots will show boxes" >&2

cd "$HERE"
if [ ! -d node_modules/@playwright/test ] || [ ! -d node_modules/playwright-core ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund || fail "npm ci failed in $HERE"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/entitle-web.XXXXXX")
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  mkdir -p "$HERE/artifacts"
  [ -f "$T/server.log" ] && cp "$T/server.log" "$HERE/artifacts/server.log"
  rm -rf "$T"
}
trap cleanup EXIT

export ENTITLE_TEST_PASSWORD='correct-horse-battery-staple'
"$ENTITLE" gen --households 200 --region 140521 --seed 7 --rules "$ROOT/rules" --db "$T/cases.db" >"$T/gen.log" 2>&1 \
  || { cat "$T/gen.log" >&2; fail "entitle gen failed"; }
add_user() {  # NAME ROLE [TOWNSHIP]
  local args=("$1" --role "$2" --db "$T/cases.db" --rules "$ROOT/rules" --password-stdin)
  [ -n "${3:-}" ] && args+=(--township "$3")
  printf '%s\n' "$ENTITLE_TEST_PASSWORD" | "$ENTITLE" user add "${args[@]}" >/dev/null || fail "entitle user add $1 failed"
}
add_user wang caseworker 140521103   # 端氏镇
add_user li caseworker 140521101     # 中村镇: another township
add_user zhao county
add_user sun auditor
add_user root admin

PORT=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();})")
# from the project root with relative paths, so explanations name rule files as rules/dibao.rules:12
(cd "$ROOT" && exec "$ENTITLE" serve --db "$T/cases.db" --rules rules --listen "127.0.0.1:$PORT" --web web) >"$T/server.log" 2>&1 &
SERVER_PID=$!
export ENTITLE_URL="http://127.0.0.1:$PORT"
node -e "
  const url = process.argv[1] + '/api/openapi.json';
  const until = Date.now() + 30000;
  (async function wait() {
    try { const r = await fetch(url); if (r.ok) process.exit(0); } catch (e) {}
    if (Date.now() > until) { console.error('server did not answer at ' + url); process.exit(1); }
    setTimeout(wait, 200);
  })();" "$ENTITLE_URL" || { cat "$T/server.log" >&2; fail "entitle serve did not start"; }

rm -rf "$HERE/artifacts" && mkdir -p "$HERE/artifacts"
set +e
CHROMIUM="$CHROMIUM" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npx --no-install playwright test --config "$HERE/playwright.config.js" "${@:2}"
rc=$?
set -e
[ $rc -eq 0 ] || echo "run_browser_tests: FAILED (exit $rc); server log: $HERE/artifacts/server.log" >&2
exit $rc
