#!/usr/bin/env bash
# batch_workers_test.sh — several `entitle batch` workers writing into one PostgreSQL database at once: two shards,
# then two counties, each pair started together and sharing one run. Every household is decided exactly once, the
# run completes, and its decisions are those of one whole-database batch (entitle diff: nothing changed); the ledger
# stays intact. Usage: batch_workers_test.sh ENTITLE_BINARY SOURCE_ROOT POSTGRES_SERVER_URI
set -u
source "$(dirname "$0")/lib.sh" "$@"
pg_database db "entitle_workers_$$"
export ENTITLE_LEDGER_KEY="$tmp/ledger.key"
q() { psql -qtA "$db" -c "$1"; }

"$bin" gen --households 3000 --region 140521 --seed 21 --rules "$rules" --db "$db" > /dev/null; check "gen 沁水县" $?
"$bin" gen --households 2000 --region 610922 --seed 22 --rules "$rules" --db "$db" > /dev/null; check "gen 石泉县" $?
"$bin" batch --db "$db" --rules "$rules" --period 2026-01 --to 2026-02 > "$tmp/whole.out" 2>&1; check "one whole-database batch (run 1)" $?

# pair WHAT ARGS1 ARGS2: two workers started together; both must exit 0 and neither may be refused
pair() {
  local what=$1
  "$bin" batch --db "$db" --rules "$rules" --period 2026-01 --to 2026-02 --threads 1 $2 > "$tmp/$what.a" 2>&1 &
  local a=$!
  "$bin" batch --db "$db" --rules "$rules" --period 2026-01 --to 2026-02 --threads 1 $3 > "$tmp/$what.b" 2>&1 &
  local b=$!
  wait $a; local ra=$?
  wait $b; local rb=$?
  check "$what: worker '$2' exits 0" $ra
  check "$what: worker '$3' exits 0" $rb
  ! grep -q "正在进行" "$tmp/$what.a" "$tmp/$what.b"; check "$what: neither worker was refused the lock" $?
}

pair shards "--shard 1/2" "--shard 2/2"
pair counties "--township 140521" "--township 610922"

[ "$(q "SELECT count(*) FROM decisions WHERE run_id = 1")" -gt 1000 ]; check "the whole-database run stored decisions" $?
for run in 2 3; do
  [ "$(q "SELECT count(*) FROM run_households WHERE run_id = $run")" = 5000 ]
  check "run $run: every one of the 5000 households decided" $?
  [ "$(q "SELECT count(*) FROM (SELECT household_id FROM run_households WHERE run_id = $run GROUP BY household_id HAVING count(*) > 1) d")" = 0 ]
  check "run $run: none decided twice" $?
  [ "$(q "SELECT count(*) FROM decisions WHERE run_id = $run")" = "$(q "SELECT count(*) FROM decisions WHERE run_id = 1")" ]
  check "run $run: as many decisions as the whole-database run" $?
  "$bin" diff --db "$db" --from 1 --to $run --report "$tmp/report$run" > "$tmp/diff$run.out"; check "diff 1 → $run exits 0" $?
  contains "$tmp/diff$run.out" "比较家庭 5000 户"; check "diff 1 → $run compares all 5000 households" $?
  contains "$tmp/diff$run.out" "total monthly cost change: 0.00 元; 0 changed household × program"
  check "run $run decides exactly as the whole-database batch did" $?
done
"$bin" runs --db "$db" > "$tmp/runs.out"
[ "$(grep -c "complete  2026-01..2026-02  5000 households" "$tmp/runs.out")" = 3 ]; check "the three runs are complete" $?
[ "$(wc -l < "$tmp/runs.out")" = 3 ]; check "each pair of workers shared one run (3 runs in all)" $?
cat "$tmp/shards.a" "$tmp/shards.b" | grep -c "joining the run" | grep -qx 1; check "one worker of a pair created the run, the other joined it" $?

"$bin" audit verify --db "$db" > "$tmp/verify.out"; check "audit verify: the ledger is intact after concurrent workers" $?

# A bad part is said, in Chinese, before anything is written.
"$bin" batch --db "$db" --rules "$rules" --period 2026-03 --shard 3/2 > /dev/null 2> "$tmp/bad.err"; rc=$?
check "--shard 3/2 is exit 2" $([ $rc -eq 2 ]; echo $?)
contains "$tmp/bad.err" "--shard '3/2' 应为 i/n"; check "--shard 3/2 is explained" $?
"$bin" batch --db "$db" --rules "$rules" --period 2026-03 --township 14A > /dev/null 2> "$tmp/bad2.err"; rc=$?
check "--township 14A is exit 2" $([ $rc -eq 2 ]; echo $?)
contains "$tmp/bad2.err" "--township '14A' 应为 6 至 12 位数字的区划代码"; check "--township 14A is explained" $?
[ "$(q "SELECT count(*) FROM runs")" = 3 ]; check "and no run was started by them" $?

pg_test_done
