#!/usr/bin/env bash
# run_crash_tests.sh — kills `entitle import` and `entitle batch` with SIGKILL at seeded random points, each after seeing partial progress, and checks that nothing was lost, duplicated or half-written; also the batch lock (a second writer refused, no stale lock).
# Usage: run_crash_tests.sh ENTITLE_BINARY PROJECT_ROOT [KILLS]   (KILLS per command, default 20)
# The random points come from one seed, printed first; ENTITLE_CRASH_SEED=S repeats them. ENTITLE_CRASH_HOUSEHOLDS
# (default 6,000) sets the size of the county.
set -u
bin="$1"; root="$2"; kills="${3:-20}"
rules="$root/rules"
seed="${ENTITLE_CRASH_SEED:-$(( ($(date +%s%N) / 1000) % 1000000007 ))}"
rng_state=$seed
echo "crash tests: seed $seed (repeat these kill points with ENTITLE_CRASH_SEED=$seed)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0
check() { # name, condition result (0 = holds)
  if [ "$2" -eq 0 ]; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAILED: $1"; fi
}
contains() { grep -qF -- "$2" "$1"; }
command -v sqlite3 > /dev/null || { echo "FAILED: the sqlite3 command is needed (Debian package sqlite3)"; echo "0 passed, 1 failed"; exit 1; }

# A seeded linear congruential generator (the same numbers on every machine and bash version): rand N → 0..N-1.
rand() { rng_state=$(( (rng_state * 6364136223846793005 + 1442695040888963407) & 0x7fffffffffffffff )); r=$(( (rng_state >> 17) % $1 )); }

q() { sqlite3 -batch -noheader -cmd ".timeout 10000" "$@"; }           # read/write, for checks after the process is gone
peek() { sqlite3 -readonly -batch -noheader -cmd ".timeout 200" "$1" "$2" 2>/dev/null; }  # while the writer runs

# The ledger (issue 12): `entitle audit verify` must pass after every crash and every rerun. ENTITLE_CRASH_LEDGER=off
# leaves it out, saying so; an entitle without the command fails.
ledger="${ENTITLE_CRASH_LEDGER:-required}"
if [ "$ledger" = off ]; then
  echo "ledger: NOT CHECKED (ENTITLE_CRASH_LEDGER=off)"
elif "$bin" audit verify --help > /dev/null 2>&1; then
  ledger=required; echo "ledger: 'entitle audit verify' is checked after every crash and every rerun"
else
  echo "FAILED: this entitle has no 'audit verify': the ledger cannot be checked after a crash"; failed=$((failed+1)); ledger=off
fi
verify_ledger() { # db, what
  [ "$ledger" = required ] || return 0
  "$bin" audit verify --db "$1" > "$tmp/verify.out" 2>&1; local rc=$?
  check "ledger verifies $2" $rc
  [ $rc -eq 0 ] || head -5 "$tmp/verify.out"
}

# The checks run as few sqlite3 processes as possible: SQL expressions, put together into one query per step.
H_COLS="id, region, township, area, member_count, record, record_hash, version"
M_COLS="household_id, member_id, relation, birth_date, id_number, disability_grade, name"
Y_COLS="household_id, version, record, record_hash, import_id"
D_COLS="household_id, period, program, eligible, amount, per, members, missing, kind, review, stale, exception, excluded_by, choice, option_amount"
R_COLS="household_id, input_hash, error"
differ() { # table, columns, [where] → SQL: rows in main or in the reference (attached as ref) and not in the other
  local w="${3:-1}"
  echo "((SELECT count(*) FROM (SELECT $2 FROM main.$1 WHERE $w EXCEPT SELECT $2 FROM ref.$1 WHERE $w))
       + (SELECT count(*) FROM (SELECT $2 FROM ref.$1 WHERE $w EXCEPT SELECT $2 FROM main.$1 WHERE $w))
       + abs((SELECT count(*) FROM main.$1 WHERE $w) - (SELECT count(*) FROM ref.$1 WHERE $w)))"
}
# SQL: households not whole (member rows ≠ member_count, members of no household), imports whose stored count is not
# the number of versions carrying their id.
WHOLE="((SELECT count(*) FROM main.households h WHERE member_count <> (SELECT count(*) FROM main.members m WHERE m.household_id = h.id))
      + (SELECT count(*) FROM main.members m WHERE NOT EXISTS (SELECT 1 FROM main.households h WHERE h.id = m.household_id))
      + (SELECT count(*) FROM main.imports i WHERE stored <> (SELECT count(*) FROM main.households WHERE import_id = i.id)
                                                     + (SELECT count(*) FROM main.household_history WHERE import_id = i.id)))"
# One sqlite3 run: SQLite's own checks of the file (integrity_check, foreign keys), then the reference attached (and
# the import of A alone, as a) and the given expressions. Sets: ic (integrity_check's answer), v1, v2, … (the expressions' values).
inspect() { # db, ref, expressions…
  local db="$1" ref="$2" sql="" e i=1 out; shift 2
  for e in "$@"; do sql="$sql SELECT $e;"; done
  out=$(q "$db" "SELECT group_concat(integrity_check, ' | ') FROM pragma_integrity_check;
                 SELECT count(*) FROM pragma_foreign_key_check; ATTACH '$ref' AS ref; ATTACH '$tmp/refF.db' AS a; $sql" 2>&1)
  local lines; mapfile -t lines <<< "$out"
  ic="${lines[0]}"
  [ "${lines[1]:-}" = 0 ] || ic="$ic; foreign key check: ${lines[1]:-}"
  for e in "$@"; do printf -v "v$i" '%s' "${lines[$((i + 1))]:-}"; i=$((i+1)); done
  [ "$ic" = ok ] || echo "  $db: $(head -c 600 <<< "$out")"
}
is() { [ "$1" = "$2" ]; echo $?; }  # for check: "0" when equal

# Runs a command in the background, waits until `poll` (SQL on the database, read-only) shows progress of at least
# `at` but less than `total`, waits `delay_ms` more, then sends SIGKILL. Sets: seen (progress seen), status (wait's).
# A process that ends before the kill leaves status ≠ 137.
run_and_kill() { # db, poll_sql, total, at, delay_ms, out, command...
  local db="$1" sql="$2" total="$3" at="$4" delay="$5" out="$6"; shift 6
  "$@" > "$out" 2>&1 &
  local pid=$! n polls=0
  seen=""
  while [ $polls -lt 30000 ] && kill -0 "$pid" 2>/dev/null; do
    n=$(peek "$db" "$sql")
    if [ -n "$n" ] && [ "$n" -ge "$at" ] && [ "$n" -lt "$total" ]; then
      seen=$n
      [ "$delay" -gt 0 ] && sleep "$(printf '0.%03d' "$delay")"
      kill -9 "$pid" 2>/dev/null
      break
    fi
    polls=$((polls+1)); sleep 0.02  # leave the cores to the process watched
  done
  wait "$pid" 2>/dev/null; status=$?
}

# --- the data: a county of N households (A), and the same ids re-generated with another seed plus new ones (B) ---
N="${ENTITLE_CRASH_HOUSEHOLDS:-6000}"; NB=$((N + N / 5))  # at least 6,000: three transactions or more
"$bin" gen --households $N --region 140521 --seed 7 --rules "$rules" --out "$tmp/A.jsonl" > /dev/null; check "gen A" $?
"$bin" gen --households $NB --region 140521 --seed 8 --rules "$rules" --out "$tmp/B.jsonl" > /dev/null; check "gen B" $?
t0=$(date +%s)
# The uninterrupted reference runs: A imported (refF), then B over it (refU), and a batch of January over refF (refB).
"$bin" import "$tmp/A.jsonl" --db "$tmp/refF.db" --rules "$rules" --today 2026-06-30 > /dev/null; check "reference import A" $?
cp "$tmp/refF.db" "$tmp/refU.db"; cp "$tmp/refF.db" "$tmp/refB.db"
"$bin" import "$tmp/B.jsonl" --db "$tmp/refU.db" --rules "$rules" --today 2026-06-30 > /dev/null; check "reference import B" $?
"$bin" batch --db "$tmp/refB.db" --rules "$rules" --period 2026-01 > /dev/null; check "reference batch" $?
NU=$(q "$tmp/refU.db" "SELECT count(*) FROM households WHERE import_id = 2")  # households B changed or added
echo "reference: $N households imported, then B changed or added $NU; batch of 2026-01 decided $(q "$tmp/refB.db" "SELECT count(*) FROM decisions") decisions ($(( $(date +%s) - t0 )) s)"
check "B changes some households and adds others" $([ "$NU" -gt $((NB - N)) ] && [ "$NU" -le $NB ]; echo $?)

fresh_copy() { # base (empty for a new database), target: the database and the files kept beside it (e.g. the ledger's
  rm -f "$2" "$2"-* "$2".*   # key), nothing left from the last round
  [ -z "$1" ] && return 0
  cp "$1" "$2"
  local f
  for f in "$1".*; do case "$f" in *.batch-lock|*'.*') ;; *) cp "$f" "$2${f#"$1"}" ;; esac; done
  return 0
}

# --- import, killed ---------------------------------------------------------------------------------------------
import_ok=0
for i in $(seq 1 "$kills"); do
  db="$tmp/imp.db"
  for attempt in 1 2 3 4 5; do
    if [ $((i % 2)) -eq 1 ]; then kind="new database"; base=""; file="$tmp/A.jsonl"; imp=1; total=$N; ref="$tmp/refF.db"
    else kind="re-import over A"; base="$tmp/refF.db"; file="$tmp/B.jsonl"; imp=2; total=$NU; ref="$tmp/refU.db"; fi
    fresh_copy "$base" "$db"
    # Progress shows per transaction of 2,000 households; killed in the work after one of the first two (after the
    # last, it would mostly be killed with everything stored already).
    rand $((total - 4000)); at=$((r + 1)); rand 100; delay=$r
    run_and_kill "$db" "SELECT count(*) FROM households WHERE import_id = $imp" "$total" "$at" "$delay" "$tmp/imp.out" \
      "$bin" import "$file" --db "$db" --rules "$rules" --today 2026-06-30
    [ "$status" -eq 137 ] && break
    echo "  import round $i: the import ended before the kill (status $status, progress seen '${seen}'); another random point"
  done
  if [ "$status" -ne 137 ]; then check "import round $i killed part-way through" 1; continue; fi
  # What the kill left: every household whole and as the reference has it (the version before or after this import).
  inspect "$db" "$ref" "(SELECT count(*) FROM main.households WHERE import_id = $imp)" "$WHOLE" \
    "(SELECT count(*) FROM (SELECT $H_COLS FROM main.households EXCEPT SELECT $H_COLS FROM a.households
                            EXCEPT SELECT $H_COLS FROM ref.households))"
  stored=$v1 odd=$v3
  echo "import kill $i/$kills ($kind): seen $seen of $total, killed $delay ms later; $stored stored at the kill"
  check "import kill $i: integrity_check ok after the kill" "$(is "$ic" ok)"
  check "import kill $i: no half-written household, import counts agree" "$(is "$v2" 0)"
  check "import kill $i: every stored household is a version of the reference" "$(is "$odd" 0)"
  verify_ledger "$db" "after import kill $i"
  "$bin" import "$file" --db "$db" --rules "$rules" --today 2026-06-30 > "$tmp/imp2.out" 2>&1; rc=$?
  check "import kill $i: the import run again exits 0" $rc
  [ $rc -eq 0 ] || cat "$tmp/imp2.out"
  inspect "$db" "$ref" "$(differ households "$H_COLS") + $(differ members "$M_COLS") + $(differ household_history "$Y_COLS")" "$WHOLE"
  d=$v1
  check "import kill $i: households, members and history equal the uninterrupted import's" "$(is "$d" 0)"
  check "import kill $i: every household whole, import counts agree after the rerun" "$(is "$v2" 0)"
  check "import kill $i: integrity_check ok after the rerun" "$(is "$ic" ok)"
  verify_ledger "$db" "after import kill $i and its rerun"
  [ "$d" = 0 ] && import_ok=$((import_ok+1))
done

# --- batch, killed ----------------------------------------------------------------------------------------------
batch_ok=0
for i in $(seq 1 "$kills"); do
  db="$tmp/batch.db"
  for attempt in 1 2 3 4 5; do
    fresh_copy "$tmp/refF.db" "$db"
    rand $((N - 4000)); at=$((r + 1)); rand 100; delay=$r; rand 2; threads=$((r + 1))
    run_and_kill "$db" "SELECT count(*) FROM run_households WHERE run_id = 1" "$N" "$at" "$delay" "$tmp/batch.out" \
      "$bin" batch --db "$db" --rules "$rules" --period 2026-01 --threads "$threads"
    [ "$status" -eq 137 ] && break
    echo "  batch round $i: the batch ended before the kill (status $status, progress seen '${seen}'); another random point"
  done
  if [ "$status" -ne 137 ]; then check "batch round $i killed part-way through" 1; continue; fi
  # What the kill left: decisions only of households marked done, each exactly the reference run's, and every
  # reference decision of a household marked done is there.
  done_where="household_id IN (SELECT household_id FROM main.run_households WHERE run_id = 1)"
  inspect "$db" "$tmp/refB.db" "(SELECT status || ' ' || households FROM main.runs WHERE id = 1)" \
    "(SELECT count(*) FROM main.run_households WHERE run_id = 1)" "(SELECT count(*) FROM main.runs)" \
    "$(differ decisions "$D_COLS" "$done_where") + $(differ run_households "$R_COLS" "$done_where")" \
    "(SELECT count(*) FROM main.decisions WHERE NOT ($done_where))"
  state=$v1
  echo "batch kill $i/$kills ($threads thread(s)): seen $seen of $N, killed $delay ms later; run 1 $state, $v2 done-marks"
  check "batch kill $i: integrity_check ok after the kill" "$(is "$ic" ok)"
  check "batch kill $i: one run, its household count is its done-marks" $([ "$v3" = 1 ] && [ "${state#* }" = "$v2" ]; echo $?)
  check "batch kill $i: the households done have exactly the reference's decisions, no decision without its done-mark" \
    $([ "$v4" = 0 ] && [ "$v5" = 0 ]; echo $?)
  verify_ledger "$db" "after batch kill $i"
  "$bin" batch --db "$db" --rules "$rules" --period 2026-01 > "$tmp/batch2.out" 2>&1; rc=$?
  check "batch kill $i: the batch run again exits 0" $rc
  if [ "${state% *}" = running ]; then
    contains "$tmp/batch2.out" "run 1 (resumed)"; check "batch kill $i: the killed run is resumed" $?
  else
    echo "  (killed after its run was marked complete: the rerun is a new run)"
  fi
  inspect "$db" "$tmp/refB.db" "(SELECT status || ' ' || households FROM main.runs WHERE id = 1)" \
    "$(differ decisions "$D_COLS" "run_id = 1") + $(differ run_households "$R_COLS" "run_id = 1")"
  d=$v2
  check "batch kill $i: run 1 complete with every household" "$(is "$v1" "complete $N")"
  check "batch kill $i: run 1's decisions equal the uninterrupted run's, household by household" "$(is "$d" 0)"
  check "batch kill $i: integrity_check ok after the resumed run" "$(is "$ic" ok)"
  verify_ledger "$db" "after batch kill $i and its resumption"
  [ "$d" = 0 ] && batch_ok=$((batch_ok+1))
done

# --- the batch lock: a second writer is refused while one runs; a killed holder leaves no stale lock ----------------
db="$tmp/lock.db"
fresh_copy "$tmp/refF.db" "$db"
run_started() { # db, sql, total: waits (polling) until 0 < progress < total; prints it
  local n polls=0
  while [ $polls -lt 30000 ]; do
    n=$(peek "$1" "$2"); if [ -n "$n" ] && [ "$n" -gt 0 ] && [ "$n" -lt "$3" ]; then echo "$n"; return 0; fi
    polls=$((polls+1)); sleep 0.01
  done
  return 1
}
"$bin" batch --db "$db" --rules "$rules" --period 2026-01 --threads 1 > /dev/null 2>&1 &
holder=$!
if run_started "$db" "SELECT count(*) FROM run_households WHERE run_id = 1" $N > /dev/null; then
  kill -STOP "$holder"  # stopped part-way through: it holds the batch lock (and maybe SQLite's write lock) until killed
  "$bin" batch --db "$db" --rules "$rules" --period 2026-01 > "$tmp/second.out" 2> "$tmp/second.err"; rc=$?
  check "a second batch while one runs is exit 2" $([ $rc -eq 2 ]; echo $?)
  contains "$tmp/second.err" "entitle: 另一个批量计算正在进行：案件数据库 '$db'，月份 2026-01..2026-01，第 1 次运行，entitle batch (进程 $holder，"
  check "the refusal names the running batch, its run and its process" $?
  contains "$tmp/second.err" "(another batch is running on the case database '$db': months 2026-01..2026-01, run 1, entitle batch (process $holder on host "
  check "… and says it in English in brackets" $?
  check "the refused batch wrote nothing" $([ ! -s "$tmp/second.out" ] && [ "$(q "$db" "SELECT count(*) FROM runs")" = 1 ]; echo $?)
  "$bin" import "$tmp/B.jsonl" --db "$db" --rules "$rules" --today 2026-06-30 > /dev/null 2> "$tmp/imp_refused.err"; rc=$?
  check "an import while a batch runs is exit 2" $([ $rc -eq 2 ]; echo $?)
  contains "$tmp/imp_refused.err" "另一个批量计算正在进行"; check "the refused import says a batch is running" $?
  kill -9 "$holder"; wait "$holder" 2>/dev/null
  "$bin" batch --db "$db" --rules "$rules" --period 2026-01 > "$tmp/after.out" 2>&1; rc=$?
  check "after the holder is killed, the batch runs (no stale lock)" $rc
  contains "$tmp/after.out" "run 1 (resumed)"; check "… and resumes the killed run" $?
  inspect "$db" "$tmp/refB.db" "$(differ decisions "$D_COLS" "run_id = 1") + $(differ run_households "$R_COLS" "run_id = 1")"
  check "… with the uninterrupted run's decisions" "$(is "$v1" 0)"
else
  kill -9 "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
  check "the batch holding the lock was seen part-way through" 1
fi
# An import holding the lock refuses a batch, naming the file.
fresh_copy "$tmp/refF.db" "$db"
"$bin" import "$tmp/B.jsonl" --db "$db" --rules "$rules" --today 2026-06-30 > /dev/null 2>&1 &
holder=$!
if run_started "$db" "SELECT count(*) FROM households WHERE import_id = 2" "$NU" > /dev/null; then
  kill -STOP "$holder"
  "$bin" batch --db "$db" --rules "$rules" --period 2026-01 > /dev/null 2> "$tmp/batch_refused.err"; rc=$?
  check "a batch while an import runs is exit 2" $([ $rc -eq 2 ]; echo $?)
  contains "$tmp/batch_refused.err" "另一个导入正在进行：案件数据库 '$db'，文件 $tmp/B.jsonl，entitle import (进程 $holder，"
  check "the refusal names the import, its file and its process" $?
  kill -9 "$holder"; wait "$holder" 2>/dev/null
  "$bin" import "$tmp/B.jsonl" --db "$db" --rules "$rules" --today 2026-06-30 > /dev/null 2>&1; check "the killed import run again exits 0" $?
else
  kill -9 "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
  check "the import holding the lock was seen part-way through" 1
fi

echo "import: $import_ok/$kills killed imports ended equal to the reference; batch: $batch_ok/$kills killed batches resumed to the reference run (seed $seed, $(( $(date +%s) - t0 )) s)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
