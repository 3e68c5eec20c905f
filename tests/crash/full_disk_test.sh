#!/usr/bin/env bash
# full_disk_test.sh — import, batch and gen running out of disk space: a clear error naming the file, a non-zero exit, the database intact (what was stored before is still there), and the same command completing once space is freed.
# Usage: full_disk_test.sh ENTITLE_BINARY PROJECT_ROOT
# The database lives on a small tmpfs (mounted when this runs as root); where mounting is impossible, or with
# ENTITLE_FULL_DISK_METHOD=ulimit, each entitle process runs under a file-size limit (ulimit -f, SIGXFSZ ignored) instead.
set -u
bin="$1"; root="$2"
rules="$root/rules"
tmp=$(mktemp -d)
mnt="$tmp/small"; mkdir -p "$mnt"
method=ulimit
if [ "${ENTITLE_FULL_DISK_METHOD:-}" != ulimit ] && mount -t tmpfs -o size=48m,mode=0755 entitle-full-disk "$mnt" 2> "$tmp/mount.err"; then
  method=tmpfs
fi
cleanup() { [ "$method" = tmpfs ] && umount "$mnt"; rm -rf "$tmp"; }
trap cleanup EXIT
if [ "$method" = tmpfs ]; then echo "full disk: the database on a 48 MB tmpfs, filled up with a ballast file (freed afterwards)"
else echo "full disk: no small filesystem (${ENTITLE_FULL_DISK_METHOD:+ENTITLE_FULL_DISK_METHOD=ulimit}$(head -c 200 "$tmp/mount.err" 2>/dev/null)); each process runs under a file-size limit (ulimit -f) instead"; fi
passed=0; failed=0
check() { # name, condition result (0 = holds)
  if [ "$2" -eq 0 ]; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAILED: $1"; fi
}
contains() { grep -qF -- "$2" "$1"; }
command -v sqlite3 > /dev/null || { echo "FAILED: the sqlite3 command is needed (Debian package sqlite3)"; echo "0 passed, 1 failed"; exit 1; }
q() { sqlite3 -batch -noheader -cmd ".timeout 10000" "$@"; }

H_COLS="id, region, township, area, member_count, record, record_hash, version"
M_COLS="household_id, member_id, relation, birth_date, id_number, disability_grade, name"
D_COLS="household_id, period, program, eligible, amount, per, members, missing, kind, review, stale, exception, excluded_by, choice, option_amount"
R_COLS="household_id, input_hash, error"
differ() { # db, ref, table, columns, [where] → rows in either and not in the other
  local w="${5:-1}"
  q "$1" "ATTACH '$2' AS ref; SELECT (SELECT count(*) FROM (SELECT $4 FROM main.$3 WHERE $w EXCEPT SELECT $4 FROM ref.$3 WHERE $w))
                                    + (SELECT count(*) FROM (SELECT $4 FROM ref.$3 WHERE $w EXCEPT SELECT $4 FROM main.$3 WHERE $w))" 2>&1
}
whole_households() { # households with exactly their member rows; each import's count is the versions carrying its id
  q "$1" "SELECT (SELECT count(*) FROM households h WHERE member_count <> (SELECT count(*) FROM members m WHERE m.household_id = h.id))
               + (SELECT count(*) FROM imports i WHERE stored <> (SELECT count(*) FROM households WHERE import_id = i.id)
                                                              + (SELECT count(*) FROM household_history WHERE import_id = i.id))" 2>&1
}
intact() { # db, what
  local ic; ic=$(q "$1" "PRAGMA integrity_check" 2>&1)
  check "integrity_check ok $2" $([ "$ic" = ok ]; echo $?)
  [ "$ic" = ok ] || echo "  integrity_check: $(echo "$ic" | head -3)"
}

# Space: with tmpfs, a ballast file leaves `bytes` free on the filesystem, and is removed to free it; with ulimit, the
# processes may write no file beyond `bytes` (the database file is larger already: what grows is its write-ahead log),
# and the limit is lifted to free it.
limit_kb=""
fill() { # bytes left free
  if [ "$method" = tmpfs ]; then
    rm -f "$mnt/ballast"
    local avail; avail=$(df --output=avail -B1 "$mnt" | tail -1)
    [ "$avail" -gt "$1" ] && fallocate -l $((avail - $1)) "$mnt/ballast"
  else
    limit_kb=$(( $1 / 1024 ))
  fi
}
grows() { echo $(( $(stat -c %s "$2") - $(stat -c %s "$1") )); }  # bytes a database grew by from one reference to the next
free_space() { rm -f "$mnt/ballast"; limit_kb=""; }
entitle() { # entitle, under the file-size limit when there is one
  if [ -n "$limit_kb" ]; then (trap '' XFSZ; ulimit -f "$limit_kb"; exec "$bin" "$@")
  else "$bin" "$@"; fi
}
out_of_space() { # stderr file, what: the error names the file and says what happened, Chinese first
  local f="$1"
  if [ "$method" = tmpfs ]; then
    contains "$f" "entitle: 无法写入案件数据库 '$db'：磁盘已满；此前已提交的数据完好，腾出空间后再运行同一命令即可继续 (cannot write the case database '$db': the disk is full"
  else  # a file-size limit: SQLite says the disk is full for a short write, an I/O error for a refused one
    contains "$f" "entitle: 无法写入案件数据库 '$db'：磁盘已满" || contains "$f" "entitle: 读写案件数据库 '$db' 时出错 (I/O error on the case database '$db'"
  fi
  local rc=$?
  check "$2: the error names the database and says the disk is full, in Chinese then English" $rc
  echo "  $2 said: $(head -c 600 "$f")"
}
fresh() { rm -f "$mnt"/*; cp "$1" "$db"; }  # the filesystem emptied, then the database copied onto it

# References, made on the ordinary disk: A (沁水, 3,000 households), A + B (石泉, 4,000 more), a batch of January over
# A + B, and one of January then February.
NA=3000; NB=4000
"$bin" gen --households $NA --region 140521 --seed 5 --rules "$rules" --out "$tmp/A.jsonl" > /dev/null
"$bin" gen --households $NB --region 610922 --seed 6 --rules "$rules" --out "$tmp/B.jsonl" > /dev/null
"$bin" import "$tmp/A.jsonl" --db "$tmp/refA.db" --rules "$rules" > /dev/null; check "reference import A" $?
cp "$tmp/refA.db" "$tmp/refAB.db"
"$bin" import "$tmp/B.jsonl" --db "$tmp/refAB.db" --rules "$rules" > /dev/null; check "reference import B" $?
cp "$tmp/refAB.db" "$tmp/refJan.db"
"$bin" batch --db "$tmp/refJan.db" --rules "$rules" --period 2026-01 > /dev/null; check "reference batch January" $?
cp "$tmp/refJan.db" "$tmp/refFeb.db"
"$bin" batch --db "$tmp/refFeb.db" --rules "$rules" --period 2026-02 > /dev/null; check "reference batch February" $?
db="$mnt/cases.db"

# --- import: B into a database holding A, the disk full part-way through -------------------------------------------
fresh "$tmp/refA.db"
room=$(grows "$tmp/refA.db" "$tmp/refAB.db")
fill $((room * 3 / 4))  # three quarters of the room B takes: its first transaction fits, not its second
echo "import: B takes $((room / 1024)) KiB; $((room * 3 / 4 / 1024)) KiB left free"
entitle import "$tmp/B.jsonl" --db "$db" --rules "$rules" > "$tmp/imp.out" 2> "$tmp/imp.err"; rc=$?
check "import on a full disk exits non-zero" $([ $rc -ne 0 ]; echo $?)
out_of_space "$tmp/imp.err" "import"
stored=$(q "$db" "SELECT count(*) FROM households WHERE region LIKE '610922%'")
echo "import: $stored of $NB households of B stored before the disk was full"
check "import: some households were stored before the disk was full, not all" $([ "$stored" -gt 0 ] && [ "$stored" -lt $NB ]; echo $?)
intact "$db" "after the import ran out of space"
check "import: A's households are all still there, unchanged" $([ "$(differ "$db" "$tmp/refA.db" households "$H_COLS" "region LIKE '140521%'")" = 0 ]; echo $?)
check "import: every household stored whole (its members), import counts agree" $([ "$(whole_households "$db")" = 0 ]; echo $?)
check "import: B's households stored are the reference's" \
  $([ "$(q "$db" "ATTACH '$tmp/refAB.db' AS ref; SELECT count(*) FROM (SELECT $H_COLS FROM main.households EXCEPT SELECT $H_COLS FROM ref.households)")" = 0 ]; echo $?)
free_space
entitle import "$tmp/B.jsonl" --db "$db" --rules "$rules" > "$tmp/imp2.out" 2>&1; rc=$?
check "import: run again with space, it completes" $rc
[ $rc -eq 0 ] || cat "$tmp/imp2.out"
check "import: the households and members equal the uninterrupted import's" \
  $([ "$(differ "$db" "$tmp/refAB.db" households "$H_COLS")" = 0 ] && [ "$(differ "$db" "$tmp/refAB.db" members "$M_COLS")" = 0 ]; echo $?)
intact "$db" "after the import completed"

# --- batch: February over a database holding January's run, the disk full part-way through -------------------------
fresh "$tmp/refJan.db"
room=$(grows "$tmp/refJan.db" "$tmp/refFeb.db")
fill $((room / 2))  # half the room February's run takes
echo "batch: February's run takes $((room / 1024)) KiB; $((room / 2 / 1024)) KiB left free"
entitle batch --db "$db" --rules "$rules" --period 2026-02 > "$tmp/batch.out" 2> "$tmp/batch.err"; rc=$?
check "batch on a full disk exits non-zero" $([ $rc -ne 0 ]; echo $?)
out_of_space "$tmp/batch.err" "batch"
done_n=$(q "$db" "SELECT count(*) FROM run_households WHERE run_id = 2")
echo "batch: $done_n of $((NA + NB)) households of run 2 written before the disk was full"
check "batch: some households were decided before the disk was full, not all" $([ "$done_n" -gt 0 ] && [ "$done_n" -lt $((NA + NB)) ]; echo $?)
intact "$db" "after the batch ran out of space"
check "batch: January's run is all still there, unchanged" \
  $([ "$(differ "$db" "$tmp/refJan.db" decisions "$D_COLS" "run_id = 1")" = 0 ] && [ "$(differ "$db" "$tmp/refJan.db" runs "id, status, households" "id = 1")" = 0 ]; echo $?)
done_where="run_id = 2 AND household_id IN (SELECT household_id FROM main.run_households WHERE run_id = 2)"
check "batch: the households decided have exactly the reference's decisions, none without its done-mark" \
  $([ "$(differ "$db" "$tmp/refFeb.db" decisions "$D_COLS" "$done_where")" = 0 ] &&
    [ "$(q "$db" "SELECT count(*) FROM decisions WHERE run_id = 2 AND household_id NOT IN (SELECT household_id FROM run_households WHERE run_id = 2)")" = 0 ]; echo $?)
free_space
entitle batch --db "$db" --rules "$rules" --period 2026-02 > "$tmp/batch2.out" 2>&1; rc=$?
check "batch: run again with space, it completes" $rc
contains "$tmp/batch2.out" "run 2 (resumed)"; check "batch: the interrupted run is resumed" $?
check "batch: February's decisions equal the uninterrupted run's" \
  $([ "$(differ "$db" "$tmp/refFeb.db" decisions "$D_COLS" "run_id = 2")" = 0 ] && [ "$(differ "$db" "$tmp/refFeb.db" run_households "$R_COLS" "run_id = 2")" = 0 ] &&
    [ "$(q "$db" "SELECT status FROM runs WHERE id = 2")" = complete ]; echo $?)
intact "$db" "after the batch completed"

# --- gen: no room for its generated file; then room for the file but not for the database ---------------------------
fresh "$tmp/refA.db"
fill $((256 * 1024))
entitle gen --households $NB --region 610922 --seed 6 --rules "$rules" --db "$db" > /dev/null 2> "$tmp/gen.err"; rc=$?
check "gen without room for its file exits 2" $([ $rc -eq 2 ]; echo $?)
contains "$tmp/gen.err" "entitle: 无法写入文件 '$db.generated.jsonl' (cannot write '$db.generated.jsonl': "
rc=$?; check "gen: the error names the generated file, in Chinese then English" $rc
echo "  gen said: $(head -c 600 "$tmp/gen.err")"
check "gen: the partial file is removed, the database untouched" \
  $([ ! -e "$db.generated.jsonl" ] && [ "$(differ "$db" "$tmp/refA.db" households "$H_COLS")" = 0 ]; echo $?)
size=$(stat -c %s "$tmp/B.jsonl")  # gen writes the very same records as `gen --out` with the same seed
if [ "$method" = tmpfs ]; then fill $(( size + $(grows "$tmp/refA.db" "$tmp/refAB.db") / 2 )); else fill $((size + 64 * 1024)); fi
entitle gen --households $NB --region 610922 --seed 6 --rules "$rules" --db "$db" > /dev/null 2> "$tmp/gen2.err"; rc=$?
check "gen with room for its file but not the database exits non-zero" $([ $rc -ne 0 ]; echo $?)
out_of_space "$tmp/gen2.err" "gen"
intact "$db" "after gen ran out of space"
check "gen: A's households are all still there, every household whole" \
  $([ "$(differ "$db" "$tmp/refA.db" households "$H_COLS" "region LIKE '140521%'")" = 0 ] && [ "$(whole_households "$db")" = 0 ]; echo $?)
free_space
entitle gen --households $NB --region 610922 --seed 6 --rules "$rules" --db "$db" > "$tmp/gen3.out" 2>&1; rc=$?
check "gen: run again with space, it completes" $rc
check "gen: the households equal the uninterrupted import's" $([ "$(differ "$db" "$tmp/refAB.db" households "$H_COLS")" = 0 ]; echo $?)
intact "$db" "after gen completed"

echo "full disk ($method): $passed passed, $failed failed"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
