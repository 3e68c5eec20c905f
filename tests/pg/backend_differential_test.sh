#!/usr/bin/env bash
# backend_differential_test.sh — the same gen + import + batch + diff + arrears + replay + runs + audit, run on an
# SQLite file and on a PostgreSQL database, must print the same thing and write the same reports, byte for byte (the
# database's name aside). Usage: backend_differential_test.sh ENTITLE_BINARY SOURCE_ROOT POSTGRES_SERVER_URI
set -u
source "$(dirname "$0")/lib.sh" "$@"
pg_database pg_db "entitle_diff_$$"
export ENTITLE_LEDGER_KEY="$tmp/ledger.key"  # both databases sign with one key, so their ledgers print alike

cp "$root/rules/samples/households.jsonl" "$tmp/"  # imported from here: nothing is written beside the sources
# The raised standard: the library plus the county's own file, as the README's run command does.
cp -r "$root/rules" "$tmp/raised"
mkdir -p "$tmp/raised/local"
cp "$root/rules/samples/dibao_raise_2026.rules.example" "$tmp/raised/local/dibao_raise_2026.rules"

# run_all DB OUT: every step, its standard output and exit code into OUT/, the reports into OUT/report and OUT/arrears.csv
run_all() {
  local db=$1 out=$2
  mkdir -p "$out"
  cd "$out" || exit 1  # reports are written to the same relative paths, so messages naming them match
  {
    "$bin" gen --households 1200 --region 140521 --seed 3 --rules "$root/rules" --db "$db"; echo "exit $?"
    "$bin" gen --households 800 --region 610922 --seed 4 --rules "$root/rules" --db "$db"; echo "exit $?"
    "$bin" gen --households 1200 --region 140521 --seed 3 --rules "$root/rules" --db "$db"; echo "exit $?"  # unchanged
    "$bin" import "$tmp/households.jsonl" --db "$db" --rules "$root/rules" --errors import.errors; echo "exit $?"
    "$bin" batch --db "$db" --rules "$root/rules" --period 2025-12 --to 2026-02 --threads 2; echo "exit $?"
    "$bin" batch --db "$db" --rules "$tmp/raised" --period 2025-12 --to 2026-02 --threads 1 --compare-to 1 --report report; echo "exit $?"
    "$bin" diff --db "$db" --from 1 --to 2 --report report2; echo "exit $?"
    "$bin" arrears --db "$db" --paid 1 --recalculated 2 --csv arrears.csv; echo "exit $?"
    for h in G140521-1 G140521-17 G610922-5 G610922-400; do
      "$bin" replay --db "$db" --run 2 --household $h --period 2026-01; echo "exit $?"
      "$bin" replay --db "$db" --run 1 --household $h --period 2025-12 --format json; echo "exit $?"
    done
    "$bin" runs --db "$db"; echo "exit $?"
    "$bin" audit verify --db "$db"; echo "exit $?"
  } > "$out/stdout" 2> "$out/stderr"
  cd - > /dev/null || exit 1
  # The differences allowed: the database's own name, wherever a message shows it, and the hash of the ledger's last
  # entry, which covers the moment each entry was written.
  sed -i -e "s|$db|DB|g" -e 's|^\(  最后一条 (last entry): #[0-9]*\) [0-9a-f]*$|\1 HASH|' "$out/stdout" "$out/stderr"
  find "$out" -name '*.html' -exec sed -i "s|$db|DB|g" {} +
}

run_all "$tmp/cases.db" "$tmp/sqlite"
run_all "$pg_db" "$tmp/postgres"

# Not empty: both did real work (a batch over 2,000+ households that granted 低保, a report, arrears).
grep -q "城乡最低生活保障" "$tmp/sqlite/report/report.html"; check "the SQLite run wrote an impact report" $?
[ "$(grep -c '^exit 0$' "$tmp/sqlite/stdout")" -ge 15 ]; check "every SQLite step exits 0 ($(grep -c '^exit 0$' "$tmp/sqlite/stdout") of them)" $?
grep -q "^2  complete" "$tmp/sqlite/stdout"; check "run 2 is complete on SQLite" $?
[ "$(wc -l < "$tmp/sqlite/arrears.csv")" -gt 1 ]; check "the raise gives arrears lines ($(($(wc -l < "$tmp/sqlite/arrears.csv") - 1)))" $?
grep -q "reproduces the stored decisions" "$tmp/sqlite/stdout"; check "replay reproduces on SQLite" $?

diff -u "$tmp/sqlite/stdout" "$tmp/postgres/stdout" > "$tmp/stdout.diff"; rc=$?
check "PostgreSQL prints what SQLite prints (gen, import, batch, diff, arrears, replay, runs, audit)" $rc
[ $rc -eq 0 ] || head -40 "$tmp/stdout.diff"
diff -u "$tmp/sqlite/stderr" "$tmp/postgres/stderr" > "$tmp/stderr.diff"; rc=$?
check "and the same on standard error" $rc
[ $rc -eq 0 ] || head -20 "$tmp/stderr.diff"
diff -r "$tmp/sqlite" "$tmp/postgres" -x stdout -x stderr > "$tmp/files.diff"; rc=$?
check "the reports and the arrears CSV are byte-identical" $rc
[ $rc -eq 0 ] || head -c 3000 "$tmp/files.diff"

pg_test_done
