#!/usr/bin/env bash
# pg_server.sh — starts (or stops) a throw-away PostgreSQL server for the tests: initdb and pg_ctl in DIR, listening
# only on a Unix socket in DIR, run as a non-root user (postgres when we are root). Fails loudly when it cannot.
#   pg_server.sh start DIR   → a server whose URI is postgresql://postgres@/postgres?host=DIR
#   pg_server.sh stop DIR    → stops it and removes DIR
#   pg_server.sh start DIR durable → the same with PostgreSQL's default durability (fsync on), for benchmarks
set -u
action=${1:?start or stop}
dir=${2:?the folder of the server}

fail() {
  echo "pg_server.sh: PostgreSQL 测试服务器无法启动 (the PostgreSQL test server could not be started): $*" >&2
  echo "pg_server.sh: the PostgreSQL storage tests need Debian's postgresql package; './build.sh test' installs it." >&2
  exit 1
}

bindir=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -1)
[ -n "$bindir" ] && [ -x "$bindir/initdb" ] && [ -x "$bindir/pg_ctl" ] || fail "initdb and pg_ctl not found under /usr/lib/postgresql/*/bin"

# As root, the server runs as postgres (PostgreSQL refuses to run as root); otherwise as ourselves.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_server() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop > /dev/null 2>&1 || true
  fi
}

case "$action" in
  start)
    stop_server
    rm -rf "$dir"
    mkdir -p "$dir" || fail "cannot create $dir"
    if [ "$(id -u)" -eq 0 ]; then
      id postgres > /dev/null 2>&1 || fail "there is no postgres user to run the server as"
      chown postgres "$dir" || fail "cannot give $dir to the postgres user"
    fi
    as_owner "$bindir/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync > "$dir/initdb.log" 2>&1 ||
      fail "initdb failed: $(tail -5 "$dir/initdb.log")"
    # Only a Unix socket in $dir: no port is opened, so parallel builds cannot collide. fsync off: a test server.
    options="-k $dir -c listen_addresses= -c max_connections=60"
    [ "${3:-}" = durable ] || options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$options" start > /dev/null ||
      fail "pg_ctl start failed: $(tail -5 "$dir/server.log" 2> /dev/null)"
    echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') for the tests: postgresql://postgres@/postgres?host=$dir"
    ;;
  stop)
    stop_server
    rm -rf "$dir"
    ;;
  *) fail "unknown action $action (start or stop)" ;;
esac
