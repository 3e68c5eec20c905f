#!/usr/bin/env bash
# migrate_db_test.sh — `entitle migrate-db` moves a county's SQLite case database into PostgreSQL with its history,
# runs, decisions, users, audit log and ledger intact: every command prints the same on both afterwards, the ledger
# verifies and keeps its signing key, work goes on; back into a new SQLite file it round-trips row for row. A tampered
# source, a non-empty target and an existing target file are refused, leaving the target as it was.
# Usage: migrate_db_test.sh ENTITLE_BINARY SOURCE_ROOT POSTGRES_SERVER_URI
set -u
source "$(dirname "$0")/lib.sh" "$@"
cd "$tmp" || exit 1
a="entitle_move_a_$$" b="entitle_move_b_$$"
pg_database pg "$a"
pg_database pg2 "$b"
# The keys live where each backend keeps them by default: beside the file, and under $XDG_DATA_HOME for a server.
export XDG_DATA_HOME="$tmp/xdg"
unset ENTITLE_LEDGER_KEY

# A county's database with history: two imports (the second changes records), two runs, users, a diff.
"$bin" gen --households 1500 --region 140521 --seed 31 --rules "$rules" --db cases.db > /dev/null
"$bin" gen --households 1500 --region 140521 --seed 32 --rules "$rules" --out changed.jsonl > /dev/null
head -300 changed.jsonl > part.jsonl
"$bin" import part.jsonl --db cases.db --rules "$rules" > /dev/null
"$bin" batch --db cases.db --rules "$rules" --period 2026-01 > /dev/null
"$bin" batch --db cases.db --rules "$rules" --period 2026-02 > /dev/null
echo "correct horse battery staple" | "$bin" user add li --role caseworker --township 140521103 --db cases.db --rules "$rules" --password-stdin > /dev/null
echo "another long passphrase 2" | "$bin" user add wang --role county --township 140521 --db cases.db --rules "$rules" --password-stdin > /dev/null
"$bin" audit key --db cases.db > key.sqlite 2> /dev/null

"$bin" migrate-db --from cases.db --to "$pg" > move.out 2> move.err; rc=$?
check "migrate-db into PostgreSQL exits 0" $rc
contains move.out "✔ 迁移完成"; check "it says the moved ledger verifies and ends where the source's does" $?
contains move.out "  households: 1500 行 (rows)"; check "it counts the households moved" $?
contains move.out "签名密钥已复制到"; check "the signing key goes with the ledger" $?

# Every reading command prints the same on both (the database's name aside).
same() {  # same NAME ARGS…: the command on cases.db and on the PostgreSQL database, outputs compared
  local name=$1; shift
  "$bin" "$@" --db cases.db > "$name.sqlite" 2>&1; local r1=$?
  "$bin" "$@" --db "$pg" > "$name.pg" 2>&1; local r2=$?
  sed -i "s|$pg|DB|g" "$name.pg"; sed -i "s|cases.db|DB|g" "$name.sqlite"
  [ $r1 -eq $r2 ] && cmp -s "$name.sqlite" "$name.pg" || { diff "$name.sqlite" "$name.pg" | head -10; return 1; }
}
same runs runs; check "runs: the same" $?
same diff diff --from 1 --to 2 --report rep; check "diff 1 → 2: the same" $?
same replay replay --run 2 --household G140521-77 --period 2026-02; check "replay: the same, and it reproduces" $?
contains replay.pg "reproduces the stored decisions"; check "replay on the moved database reproduces the decision" $?
same arrears arrears --paid 1 --recalculated 1; check "arrears: the same" $?
"$bin" audit key --db "$pg" > key.pg 2> /dev/null
cmp -s key.sqlite key.pg; check "the moved database signs with the county's key" $?

# Work goes on: the same batch on both gives the same decisions.
"$bin" batch --db cases.db --rules "$rules" --period 2026-03 --compare-to 2 --report r3s > batch3.sqlite 2>&1
"$bin" batch --db "$pg" --rules "$rules" --period 2026-03 --compare-to 2 --report r3p > batch3.pg 2>&1
sed -i 's|r3p/|r3s/|' batch3.pg
cmp -s batch3.sqlite batch3.pg; check "a new batch after the move decides as on SQLite" $?
"$bin" audit verify --db "$pg" > verify.pg; check "audit verify on PostgreSQL after new work: intact" $?
! grep -q "更换\|key change" verify.pg; check "and no change of signing key" $?

# Round trip: PostgreSQL back into a new SQLite file, row for row as the source (before the new batch).
"$bin" migrate-db --from cases.db --to "$pg2" > /dev/null 2>&1; check "a second move into another database" $?
"$bin" migrate-db --from "$pg2" --to back.db > back.out 2>&1; check "migrate-db back into a new SQLite file exits 0" $?
sqlite3 cases.db .dump | sort > cases.dump
sqlite3 back.db .dump | sort > back.dump
[ "$(wc -l < cases.dump)" -gt 5000 ]; check "the source dump is substantial ($(wc -l < cases.dump) lines)" $?
cmp -s cases.dump back.dump; check "SQLite → PostgreSQL → SQLite: every row as it was" $?
[ $? -eq 0 ] || diff cases.dump back.dump | head -5

# Refusals.
"$bin" migrate-db --from cases.db --to "$pg" > again.out 2> again.err; rc=$?
check "into a database that is not empty: exit 2" $([ $rc -eq 2 ]; echo $?)
contains again.err "已有内容：只能迁移到空的案件数据库"; check "said in Chinese, naming the table" $?
"$bin" migrate-db --from "$pg" --to back.db > /dev/null 2> exists.err; rc=$?
check "onto an existing file: exit 2" $([ $rc -eq 2 ]; echo $?)
contains exists.err "已存在"; check "said" $?
"$bin" migrate-db --from nowhere.db --to "$pg" > /dev/null 2> none.err; rc=$?
check "from a missing file: exit 2, and no file is created" $([ $rc -eq 2 ] && [ ! -e nowhere.db ]; echo $?)
contains none.err "--from 应为已有的案件数据库，'nowhere.db' 不存在"; check "said: the source does not exist" $?
cp cases.db tampered.db
sqlite3 tampered.db "UPDATE decisions SET amount = '9999.00' WHERE rowid IN (SELECT rowid FROM decisions LIMIT 1)" 2> /dev/null ||
  sqlite3 tampered.db "UPDATE households SET record = replace(record, '\"members\"', '\"members\" ') WHERE id = 'G140521-5'"
psql -q "$server" -c "DROP DATABASE $b WITH (FORCE)" -c "CREATE DATABASE $b" > /dev/null
"$bin" migrate-db --from tampered.db --to "$pg2" > tampered.out 2> tampered.err; rc=$?
check "a tampered source is refused: exit 1" $([ $rc -eq 1 ]; echo $?)
contains tampered.err "账本校验未通过，未迁移"; check "said: nothing was moved" $?
[ "$(psql -qtA "$pg2" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 0 ]
check "the target was not touched" $?

pg_test_done
