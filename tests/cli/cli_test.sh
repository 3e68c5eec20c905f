#!/usr/bin/env bash
# cli_test.sh — end-to-end checks of the entitle binary: exit codes, the spec's JSON output, located errors.
# Usage: cli_test.sh ENTITLE_BINARY PROJECT_ROOT
set -u
bin="$1"; root="$2"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0
check() { # name, condition result
  if [ "$2" -eq 0 ]; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAILED: $1"; fi
}
contains() { grep -qF -- "$2" "$1"; }

# eval: one JSON object per household, fields of the spec, deterministic.
"$bin" eval --rules "$root/rules" --household "$root/rules/samples/households.jsonl" --period 2021-03 > "$tmp/out.jsonl" 2> "$tmp/err"
check "eval exits 0 on the samples" $?
check "eval prints one line per household" $([ "$(wc -l < "$tmp/out.jsonl")" -eq "$(grep -c . "$root/rules/samples/households.jsonl")" ]; echo $?)
contains "$tmp/out.jsonl" '{"household":"QS-0002","period":"2021-03","ruleset":"sha256:'; check "result starts as in the spec" $?
contains "$tmp/out.jsonl" '"program":"dibao","label":"城乡最低生活保障","eligible":true,"decision":"granted","amount":"760.00","per":"month","members":["P1","P2","P3","P4"]'
check "E1 amount and members" $?
contains "$tmp/out.jsonl" '"eligible":null,"decision":"undetermined","amount":null,"per":"month","members":[],"missing":["standard dibao_standard for 610922 rural from 2016-01-01 (declared unsourced)"]'
check "unsourced standard is named" $?
"$bin" eval --rules "$root/rules" --household "$root/rules/samples/households.jsonl" --period 2021-03 > "$tmp/out2.jsonl" 2>/dev/null
cmp -s "$tmp/out.jsonl" "$tmp/out2.jsonl"; check "byte-identical on a second run" $?

# a household outside the library's regions is refused by name
echo '{"id":"OUT","region":"140522100000","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1960-01-01"}]}' > "$tmp/out_region.json"
"$bin" eval --rules "$root/rules" --household "$tmp/out_region.json" --period 2021-03 > /dev/null 2> "$tmp/region.err"; rc=$?
check "household outside the regions is exit 2" $([ $rc -eq 2 ]; echo $?)
contains "$tmp/region.err" "field region: 区划 140522100000 不在本规则服务的地区内 (region 140522100000 is outside the regions these rules serve (沁水县 140521, 石泉县 610922))"; check "region error names the code" $?

# a single pretty-printed household file
printf '{\n  "id": "ONE", "region": "140521100000", "area": "rural",\n  "members": [{"id": "P1", "relation": "self", "birth_date": "1970-01-01"}]\n}\n' > "$tmp/one.json"
"$bin" eval --rules "$root/rules" --household "$tmp/one.json" --period 2021-03 --format text --explain > "$tmp/one.txt" 2>&1
check "single JSON household" $?
contains "$tmp/one.txt" "✔ 城乡最低生活保障 (dibao): 440.00 元/月"; check "text output in Chinese" $?
contains "$tmp/one.txt" "标准 dibao_standard 「最低生活保障标准」 [rural] = 440.00 (县级 county 沁水县 140521, 自 2020-01-01; 原文: from 2020-01-01 assumed 5280 per year)"; check "explanation shows the standard's date and level" $?

# impossible records are refused, in Chinese, and not evaluated
printf '%s\n' '{"id":"IMP","region":"140521100000","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1960-01-01"},{"id":"P2","relation":"child","birth_date":"2030-01-01"}],"supporters":[{"of":"P9","relation":"child","birth_date":"1985-01-01"}]}' > "$tmp/imp.jsonl"
"$bin" eval --rules "$root/rules" --household "$tmp/imp.jsonl" --period 2026-01 > "$tmp/imp.out" 2> "$tmp/imp.err"; rc=$?
check "impossible record is exit 2" $([ $rc -eq 2 ]; echo $?)
contains "$tmp/imp.err" "field members[P2].birth_date: 成员 P2 的出生日期 2030-01-01 晚于评估月份 2026-01"; check "birth after the month, in Chinese" $?
contains "$tmp/imp.err" "field supporters[0].of: 义务人 1 的 of = \"P9\" 不是本户成员"; check "supporter of no member" $?
check "impossible record not evaluated" $([ ! -s "$tmp/imp.out" ]; echo $?)

# a person found 特困 is not also paid 低保; a case awaiting a choice pays neither option
"$bin" eval --rules "$root/rules" --household "$root/rules/samples/households.jsonl" --period 2026-01 --format text > "$tmp/both.txt" 2>&1
contains "$tmp/both.txt" "✔ 特困人员基本生活 (tekun_basic): 575.00 元/月  对象: P1"; check "QS-0001 is 特困" $?
check "QS-0001 is not also 低保" $(awk '/^家庭 QS-0001/{f=1;next} /^家庭 /{f=0} f && /✔ 城乡最低生活保障/{bad=1} END{exit bad}' "$tmp/both.txt"; echo $?)
contains "$tmp/both.txt" "⇄ 孤儿及事实无人抚养儿童基本生活保障 (orphan_basic): 需家庭选择其一"; check "a choice is shown, not paid" $?
contains "$tmp/both.txt" "标准「最低生活保障标准」(dibao_standard) 140521 沁水县 rural 取值自 2020-01-01，应每年更新"; check "a stale standard is said" $?
"$bin" eval --rules "$root/rules" --household "$root/rules/samples/households.jsonl" --period 2026-01 --strict-standards > "$tmp/strict.jsonl" 2>&1
contains "$tmp/strict.jsonl" "is stale (to be renewed every 12 months; --strict-standards)"; check "--strict-standards makes stale values undetermined" $?

# bad records: reported with line and field, the good ones still evaluated, exit 2
{ sed -n 2p "$root/rules/samples/households.jsonl"
  echo '{"id":"BAD1","region":"140521100000","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1960-02-30"}]}'
  echo '{"id":"BAD2",'
  sed -n 3p "$root/rules/samples/households.jsonl"; } > "$tmp/mixed.jsonl"
"$bin" eval --rules "$root/rules" --household "$tmp/mixed.jsonl" --period 2021-03 > "$tmp/mixed.out" 2> "$tmp/mixed.err"
check "bad records give exit 2" $([ $? -eq 2 ]; echo $?)
check "good records still evaluated" $([ "$(wc -l < "$tmp/mixed.out")" -eq 2 ]; echo $?)
contains "$tmp/mixed.err" "household \"BAD1\" (${tmp}/mixed.jsonl:2), field members[P1].birth_date: 应为日期 (YYYY-MM-DD)，填写的是 \"1960-02-30\""
check "bad field named with record and line" $?
contains "$tmp/mixed.err" "household $tmp/mixed.jsonl:3: not valid JSON"; check "broken JSON line named" $?

# many households on several threads (chunks of 2,048 lines): the same bytes as on one thread, errors in file order
# with their line numbers; Windows line ends read as the same records
for i in $(seq 1 700); do cat "$root/rules/samples/households.jsonl"; done | grep . > "$tmp/many.jsonl"
sed -i '2500s/.*/{"id":"BROKEN",/; 4999s/"birth_date":"[0-9-]*"/"birth_date":"1960-02-30"/' "$tmp/many.jsonl"
"$bin" eval --rules "$root/rules" --household "$tmp/many.jsonl" --period 2026-01 --threads 1 > "$tmp/many1.out" 2> "$tmp/many1.err"
check "many households, one bad, exit 2 on one thread" $([ $? -eq 2 ]; echo $?)
"$bin" eval --rules "$root/rules" --household "$tmp/many.jsonl" --period 2026-01 --threads 3 > "$tmp/many3.out" 2> "$tmp/many3.err"
check "many households, one bad, exit 2 on three threads" $([ $? -eq 2 ]; echo $?)
cmp -s "$tmp/many1.out" "$tmp/many3.out"; check "results identical on one and three threads" $?
cmp -s "$tmp/many1.err" "$tmp/many3.err"; check "errors identical on one and three threads" $?
check "every good household evaluated" $([ "$(wc -l < "$tmp/many3.out")" -eq $(( $(wc -l < "$tmp/many.jsonl") - 2 )) ]; echo $?)
contains "$tmp/many3.err" "$tmp/many.jsonl:2500: not valid JSON"; check "broken line 2500 named" $?
contains "$tmp/many3.err" "$tmp/many.jsonl:4999), field members[P1].birth_date"; check "bad field on line 4999 named" $?
check "errors in file order" $([ "$(grep -n 'many.jsonl:2500' "$tmp/many3.err" | cut -d: -f1)" -lt "$(grep -n 'many.jsonl:4999' "$tmp/many3.err" | cut -d: -f1)" ]; echo $?)
# FILE may be a pipe: JSON Lines and a single pretty-printed household read through /dev/stdin as from the file
cat "$root/rules/samples/households.jsonl" | "$bin" eval --rules "$root/rules" --household /dev/stdin --period 2021-03 > "$tmp/pipe.out" 2>/dev/null
cmp -s "$tmp/out.jsonl" "$tmp/pipe.out"; check "JSON Lines through a pipe" $?
"$bin" eval --rules "$root/rules" --household "$tmp/one.json" --period 2021-03 > "$tmp/one_file.out" 2>/dev/null
cat "$tmp/one.json" | "$bin" eval --rules "$root/rules" --household /dev/stdin --period 2021-03 > "$tmp/one_pipe.out" 2>/dev/null
check "pretty-printed household through a pipe is evaluated" $([ -s "$tmp/one_pipe.out" ]; echo $?)
cmp -s "$tmp/one_file.out" "$tmp/one_pipe.out"; check "… the same as from the file" $?
sed 's/$/\r/' "$root/rules/samples/households.jsonl" > "$tmp/crlf.jsonl"
"$bin" eval --rules "$root/rules" --household "$tmp/crlf.jsonl" --period 2021-03 > "$tmp/crlf.out" 2>/dev/null
cmp -s "$tmp/out.jsonl" "$tmp/crlf.out"; check "CRLF line ends give the same results" $?

# usage and input errors
"$bin" eval --rules "$root/rules" --household "$tmp/none.json" --period 2021-03 > /dev/null 2> "$tmp/e"; rc=$?
check "missing household file is exit 2" $([ $rc -eq 2 ]; echo $?)
contains "$tmp/e" "cannot read household file"; check "missing file message" $?
"$bin" eval --rules "$root/rules" --household "$tmp/one.json" --period 2021-13 > /dev/null 2> "$tmp/e"; rc=$?
check "bad period is exit 2" $([ $rc -eq 2 ]; echo $?)
contains "$tmp/e" "--period expects a month YYYY-MM, found '2021-13'"; check "bad period message" $?
"$bin" frobnicate > /dev/null 2>&1; rc=$?
check "unknown subcommand is exit 2" $([ $rc -eq 2 ]; echo $?)

# check: findings exit 1 with located errors; an empty directory says so
mkdir -p "$tmp/rules_bad" "$tmp/empty"
printf 'define household.x : integer = 1 +\n' > "$tmp/rules_bad/a.rules"
"$bin" check "$tmp/rules_bad" > "$tmp/c.out"; rc=$?
check "check with errors is exit 1" $([ $rc -eq 1 ]; echo $?)
contains "$tmp/c.out" "a.rules:2:1: error: expected arithmetic expression, found the end of the file [ExpectedToken]"; check "located parse error" $?
"$bin" check "$tmp/empty" > "$tmp/c2.out"; rc=$?
check "empty rules dir is exit 1" $([ $rc -eq 1 ]; echo $?)
contains "$tmp/c2.out" "no rule files (*.rules) found in '$tmp/empty' [NoRuleFiles]"; check "NoRuleFiles message" $?

# test: failures exit 1
cp -r "$root/rules" "$tmp/rules_t"
sed -i 's/expect dibao.amount = 760.00/expect dibao.amount = 761.00/' "$tmp/rules_t/tests/dibao_tests.rules"
"$bin" test "$tmp/rules_t" > "$tmp/t.out"; rc=$?
check "failing rule test is exit 1" $([ $rc -eq 1 ]; echo $?)
contains "$tmp/t.out" "dibao.amount: expected 761.00, got 760.00"; check "failing expectation message" $?

# doc: the catalogue in Markdown and HTML
"$bin" doc "$root/rules" --out "$tmp/cat" > "$tmp/doc.out"; rc=$?
check "doc exits 0" $([ $rc -eq 0 ]; echo $?)
contains "$tmp/cat/catalogue.md" "### 城乡最低生活保障 (dibao)"; check "catalogue lists programs" $?
contains "$tmp/cat/catalogue.html" "<h2 id=\"standards\">标准</h2>"; check "catalogue HTML has the standards" $?

# case database: a batch killed with SIGKILL part-way through (some households of the run written, not all) and run
# again ends with exactly the decisions of an uninterrupted run. The run's progress is read with `entitle runs`
# ("1  running  2026-01..2026-01  N households, …"); the batch is killed only once 0 < N < all.
# The kill races the batch: when the batch finished between being seen part-way and the kill (a fast machine, a
# loaded one), the attempt is made again on a fresh database, at most three times.
households=20000
done_in_run() { # db → households done in run 1 while it is running; empty when it is not running (or not readable)
  "$bin" runs --db "$1" 2>/dev/null | awk '$1 == 1 && $2 == "running" { print $4 }'
}
attempt=0; partial=""; after_kill=""
while [ $attempt -lt 3 ]; do
  attempt=$((attempt+1))
  rm -f "$tmp"/killed.db*
  "$bin" gen --households $households --region 140521 --seed 11 --rules "$root/rules" --db "$tmp/killed.db" > /dev/null
  check "gen into a database exits 0 (attempt $attempt)" $?
  "$bin" batch --db "$tmp/killed.db" --rules "$root/rules" --period 2026-01 --threads 1 > /dev/null 2>&1 &
  victim=$!
  partial=""; polls=0
  while [ $polls -lt 2400 ] && kill -0 "$victim" 2>/dev/null; do  # at most 2,400 polls (≈ 2 minutes)
    n=$(done_in_run "$tmp/killed.db")
    if [ -n "$n" ] && [ "$n" -gt 0 ] && [ "$n" -lt $households ]; then partial=$n; break; fi
    polls=$((polls+1)); sleep 0.05
  done
  kill -9 "$victim" 2>/dev/null; wait "$victim" 2>/dev/null
  after_kill=$(done_in_run "$tmp/killed.db")
  if [ -n "$partial" ] && [ -n "$after_kill" ] && [ "$after_kill" -gt 0 ] && [ "$after_kill" -lt $households ]; then break; fi
  echo "attempt $attempt: the killed batch left no partial run: seen while running '${partial:-none}', after the kill '${after_kill:-no running run}' of $households households"
  "$bin" runs --db "$tmp/killed.db"
done
if [ -z "$partial" ] || [ -z "$after_kill" ] || [ "$after_kill" -le 0 ] || [ "$after_kill" -ge $households ]; then
  check "batch killed part-way through (some, not all, households done)" 1
else
  check "batch killed part-way through (some, not all, households done)" 0
fi
"$bin" batch --db "$tmp/killed.db" --rules "$root/rules" --period 2026-01 --threads 2 > "$tmp/killed.out"
check "resumed batch exits 0" $?
contains "$tmp/killed.out" "run 1 (resumed)"; check "the killed run is resumed, not started again" $?
"$bin" runs --db "$tmp/killed.db" > "$tmp/runs.out"
check "one run, complete" $([ "$(grep -c complete "$tmp/runs.out")" -eq 1 ] && [ "$(wc -l < "$tmp/runs.out")" -eq 1 ]; echo $?)
contains "$tmp/runs.out" "  $households households, "; check "the resumed run has every household" $?
# The uninterrupted run: the same households, rules and month, as run 2 of the same database.
"$bin" batch --db "$tmp/killed.db" --rules "$root/rules" --period 2026-01 --threads 2 > "$tmp/clean.out"
check "uninterrupted batch exits 0" $?
contains "$tmp/clean.out" "run 2:"; check "the uninterrupted run is a new run" $?
grep -v '^run ' "$tmp/clean.out" > "$tmp/clean.sum"; grep -v '^run ' "$tmp/killed.out" > "$tmp/killed.sum"
cmp -s "$tmp/clean.sum" "$tmp/killed.sum"; check "killed and resumed run has the same totals as an uninterrupted run" $?
"$bin" diff --db "$tmp/killed.db" --from 1 --to 2 --report "$tmp/kill_report" > "$tmp/kill_diff.out"
check "diff of the resumed and the uninterrupted run exits 0" $?
contains "$tmp/kill_diff.out" "total monthly cost change: 0.00 元; 0 changed household × program"
check "the resumed run decided every household as the uninterrupted run did" $?

# replay: an auditor re-decides a stored household from the database alone
"$bin" replay --db "$tmp/killed.db" --run 1 --household G140521-1 --period 2026-01 > "$tmp/replay.out"; rc=$?
check "replay exits 0" $([ $rc -eq 0 ]; echo $?)
contains "$tmp/replay.out" "reproduces the stored decisions"; check "replay reproduces" $?
contains "$tmp/replay.out" "说明 (explanation):"; check "replay explains" $?

# the batch lock: while another process holds it (here this shell, through flock on DB.batch-lock, with the holder
# recorded as a running batch records itself), a batch is refused, saying who holds it; released, the batch runs.
printf 'pid 4242\nhost county-pc\nstarted 2026-01-05T08:30:00Z\nkind batch\ndetail 2026-01..2026-01\nuser \ncommand entitle batch\nrun 3\nscope \n' \
  > "$tmp/killed.db.batch-lock"
exec 9<> "$tmp/killed.db.batch-lock"; flock -n 9
"$bin" batch --db "$tmp/killed.db" --rules "$root/rules" --period 2026-01 9>&- > /dev/null 2> "$tmp/busy.err"; rc=$?
exec 9>&-
check "a batch while another holds the batch lock is exit 2" $([ $rc -eq 2 ]; echo $?)
echo "entitle: 另一个批量计算正在进行：案件数据库 '$tmp/killed.db'，月份 2026-01..2026-01，第 3 次运行，entitle batch (进程 4242，主机 county-pc，开始于 2026-01-05T08:30:00Z)；请待其结束后再运行 (another batch is running on the case database '$tmp/killed.db': months 2026-01..2026-01, run 3, entitle batch (process 4242 on host county-pc, started 2026-01-05T08:30:00Z); run this again when it has finished)" > "$tmp/busy.expected"
cmp -s "$tmp/busy.expected" "$tmp/busy.err"; rc=$?
check "the refusal says who holds the batch lock (Chinese, then English in brackets)" $rc
[ $rc -eq 0 ] || diff "$tmp/busy.expected" "$tmp/busy.err"
"$bin" runs --db "$tmp/killed.db" > "$tmp/runs_after.out"
check "the refused batch started no run" $([ "$(wc -l < "$tmp/runs_after.out")" -eq 2 ]; echo $?)

# option misuse is exit 2 with a message
"$bin" gen --households 5 --region 140521 --rules "$root/rules" --out "$tmp/g.jsonl" --db "$tmp/g.db" > /dev/null 2> "$tmp/gen.err"; rc=$?
check "gen with two outputs is exit 2" $([ $rc -eq 2 ]; echo $?)
contains "$tmp/gen.err" "gen writes to exactly one of --out FILE or --db DB"; check "gen output message" $?
"$bin" batch --db "$tmp/killed.db" --rules "$root/rules" --period 2026-03 --to 2026-01 > /dev/null 2> "$tmp/batch.err"; rc=$?
check "batch with --to before --period is exit 2" $([ $rc -eq 2 ]; echo $?)
contains "$tmp/batch.err" "--to not before --period"; check "batch period message" $?
"$bin" replay --db "$tmp/killed.db" --run 1 --household nobody --period 2026-01 > /dev/null 2> "$tmp/replay.err"; rc=$?
check "replay of an unknown household is exit 2" $([ $rc -eq 2 ]; echo $?)
contains "$tmp/replay.err" "household nobody was not decided in run 1"; check "replay message" $?
"$bin" diff --db "$tmp/killed.db" --from 1 --to 7 > /dev/null 2> "$tmp/diff.err"; rc=$?
check "diff with an unknown run is exit 2" $([ $rc -eq 2 ]; echo $?)
contains "$tmp/diff.err" "there is no run 7 in the database"; check "diff message" $?

# a file that is not a database is refused clearly
echo "not a database, just text that is long enough to be read as a header by sqlite" > "$tmp/text.db"
"$bin" runs --db "$tmp/text.db" > /dev/null 2> "$tmp/db.err"; rc=$?
check "a non-database file is exit 2" $([ $rc -eq 2 ]; echo $?)
contains "$tmp/db.err" "cannot open the case database"; check "non-database message" $?

# the ledger: intact is exit 0, a row edited behind entitle's back is exit 1 naming the entry, a bad option exit 2
"$bin" gen --households 30 --region 140521 --seed 4 --rules "$root/rules" --db "$tmp/ledger.db" > /dev/null
"$bin" batch --db "$tmp/ledger.db" --rules "$root/rules" --period 2026-01 > /dev/null
key=$("$bin" audit key --db "$tmp/ledger.db" 2> "$tmp/key.err")
check "audit key prints a 64-hex public key" $([[ "$key" =~ ^[0-9a-f]{64}$ ]]; echo $?)
contains "$tmp/key.err" "ledger-key"; check "audit key names the key file" $?
"$bin" audit verify --db "$tmp/ledger.db" --public-key "$key" > "$tmp/verify.out"; rc=$?
check "audit verify of an untouched database is exit 0" $([ $rc -eq 0 ]; echo $?)
contains "$tmp/verify.out" "✔ 账本完整"; check "audit verify says intact" $?
head_arg=$(awk '/最后一条/ {sub("#", "", $4); print $4 ":" $5}' "$tmp/verify.out")
"$bin" audit verify --db "$tmp/ledger.db" --public-key "$key" --head "$head_arg" > /dev/null; rc=$?
check "audit verify with the head written down is exit 0" $([ $rc -eq 0 ]; echo $?)
sqlite3 "$tmp/ledger.db" "UPDATE households SET stored_by = 'someone' WHERE id = (SELECT min(id) FROM households)"
"$bin" audit verify --db "$tmp/ledger.db" --public-key "$key" > "$tmp/verify_bad.out"; rc=$?
check "audit verify of an edited database is exit 1" $([ $rc -eq 1 ]; echo $?)
contains "$tmp/verify_bad.out" "第一处在第 1 条"; check "audit verify names the first entry that does not match" $?
"$bin" audit verify --db "$tmp/ledger.db" --public-key nothex > /dev/null 2> "$tmp/verify_opt.err"; rc=$?
check "audit verify with a malformed key is exit 2" $([ $rc -eq 2 ]; echo $?)
contains "$tmp/verify_opt.err" "--public-key"; check "audit verify option message" $?

# issue 12's mutation run: each of these crashed, stalled or exited 0 before; now an error naming the place
{ printf 'define household.x "x" : bool = '; printf 'not %.0s' $(seq 30000); echo true; } > "$tmp/nots.rules"
"$bin" check "$tmp/nots.rules" > "$tmp/nots.out" 2>&1; rc=$?
check "30,000 'not' is a finding (exit 1), not a stack overflow" $([ $rc -eq 1 ]; echo $?)
contains "$tmp/nots.out" "nested more than 100 levels deep here"; check "deep 'not' message" $?
check "the long line is shown short" $([ "$(wc -c < "$tmp/nots.out")" -lt 1000 ]; echo $?)
printf 'household_id,member_id,shoe_size\nH1,P1,42\n' > "$tmp/unknown.csv"
"$bin" import "$tmp/unknown.csv" --db "$tmp/unknown.db" --rules "$root/rules" > /dev/null 2> "$tmp/unknown.err"; rc=$?
check "import of a CSV with an unknown column is exit 2" $([ $rc -eq 2 ]; echo $?)
contains "$tmp/unknown.err" "unknown column 'shoe_size' — 未知的列名"; check "unknown column named" $?
sqlite3 "$tmp/negative.db" 'PRAGMA user_version = -3'
"$bin" runs --db "$tmp/negative.db" > /dev/null 2> "$tmp/negative.err"; rc=$?
check "a negative schema version is exit 2, not a crash" $([ $rc -eq 2 ]; echo $?)
contains "$tmp/negative.err" "the case database '$tmp/negative.db' is damaged: its schema version (PRAGMA user_version) is -3"; check "negative version named" $?
"$bin" gen --households 200 --region 140521 --rules "$root/rules" --db "$tmp/malformed.db" > /dev/null 2>&1
sqlite3 "$tmp/malformed.db" 'PRAGMA wal_checkpoint(TRUNCATE)' > /dev/null
page=$(sqlite3 "$tmp/malformed.db" "SELECT rootpage FROM sqlite_master WHERE name = 'households'")
size=$(sqlite3 "$tmp/malformed.db" 'PRAGMA page_size')
head -c "$size" /dev/zero | tr '\0' '\336' | dd of="$tmp/malformed.db" bs="$size" seek=$((page - 1)) conv=notrunc 2> /dev/null
"$bin" batch --db "$tmp/malformed.db" --rules "$root/rules" --period 2026-01 > /dev/null 2> "$tmp/malformed.err"; rc=$?
check "a malformed database is exit 2" $([ $rc -eq 2 ]; echo $?)
contains "$tmp/malformed.err" "案件数据库 '$tmp/malformed.db' 已损坏，请从备份恢复 (the case database '$tmp/malformed.db' is damaged: database disk image is malformed"
check "a malformed database is named" $?
{ printf '{"id":"BIG","region":"140521100000","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1970-01-01","name":"'
  head -c 900000 /dev/zero | tr '\0' x; printf '"}]}\n'; } > "$tmp/bigname.jsonl"
"$bin" eval --rules "$root/rules" --household "$tmp/bigname.jsonl" --period 2026-01 > /dev/null 2> "$tmp/bigname.err"; rc=$?
check "a 900 KB name is exit 2" $([ $rc -eq 2 ]; echo $?)
contains "$tmp/bigname.err" "文字过长：900000 字节，至多 1000 字节"; check "the text limit is said" $?
check "the 900 KB value is echoed short" $([ "$(wc -c < "$tmp/bigname.err")" -lt 1000 ]; echo $?)

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
