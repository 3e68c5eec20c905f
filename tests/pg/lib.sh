# lib.sh — what the PostgreSQL shell tests share, sourced after `set -u`: the server they were given (argument 3 or
# ENTITLE_TEST_PG; a loud failure without one), check/contains, a scratch folder $tmp, fresh databases on the server
# dropped at exit, and the closing count. Usage in a test: source lib.sh "$@"; … ; pg_test_done
bin=$(realpath "$1")
root=$(realpath "$2")
rules="$root/rules"
server=${3:-${ENTITLE_TEST_PG:-}}
[ -n "$server" ] || { echo "FAIL: no PostgreSQL server given (ENTITLE_TEST_PG): the test server fixture did not run" >&2; exit 1; }
failures=0
# check WHAT STATUS: one line, ok or FAIL, counted
check() { if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; failures=$((failures + 1)); fi; }
# contains FILE TEXT: the file holds the text, else says what it holds
contains() { grep -qF -- "$2" "$1" || { echo "  '$2' not in $1:"; head -8 "$1"; return 1; }; }

tmp=$(mktemp -d)
pg_databases=()
pg_cleanup() {
  cd /
  for d in "${pg_databases[@]}"; do psql -q "$server" -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" > /dev/null 2>&1; done
  if [ -n "${ENTITLE_KEEP_TMP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap pg_cleanup EXIT

# pg_database VAR NAME: creates an empty database NAME on the server (dropped at exit) and sets VAR to its URI
pg_database() {
  psql -q "$server" -c "CREATE DATABASE $2" > /dev/null || { echo "FAIL: cannot create database $2 on $server" >&2; exit 1; }
  pg_databases+=("$2")
  printf -v "$1" '%s' "${server/\/postgres\?//$2?}"  # the server URI names the postgres database; this one is $2
}

# pg_test_done: the count of failures, and the test's exit status
pg_test_done() {
  echo "$failures failure(s)"
  [ "$failures" -eq 0 ]
}
