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
contains "$tmp/out.jsonl" '"program":"dibao","label":"城乡最低生活保障","eligible":true,"amount":"760.00","per":"month","members":["P1","P2","P3","P4"]'
check "E1 amount and members" $?
contains "$tmp/out.jsonl" '"eligible":null,"amount":null,"per":"month","members":[],"missing":["standard dibao_standard for 610922 rural from 2016-01-01 (declared unsourced)"]'
check "unsourced standard is named" $?
"$bin" eval --rules "$root/rules" --household "$root/rules/samples/households.jsonl" --period 2021-03 > "$tmp/out2.jsonl" 2>/dev/null
cmp -s "$tmp/out.jsonl" "$tmp/out2.jsonl"; check "byte-identical on a second run" $?

# a household outside the library's regions is refused by name
echo '{"id":"OUT","region":"140522100000","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1960-01-01"}]}' > "$tmp/out_region.json"
"$bin" eval --rules "$root/rules" --household "$tmp/out_region.json" --period 2021-03 > /dev/null 2> "$tmp/region.err"; rc=$?
check "household outside the regions is exit 2" $([ $rc -eq 2 ]; echo $?)
contains "$tmp/region.err" "field region: region 140522100000 is outside the regions these rules serve (沁水县 140521, 石泉县 610922)"; check "region error names the code" $?

# a single pretty-printed household file
printf '{\n  "id": "ONE", "region": "140521100000", "area": "rural",\n  "members": [{"id": "P1", "relation": "self", "birth_date": "1960-01-01"}]\n}\n' > "$tmp/one.json"
"$bin" eval --rules "$root/rules" --household "$tmp/one.json" --period 2021-03 --format text --explain > "$tmp/one.txt" 2>&1
check "single JSON household" $?
contains "$tmp/one.txt" "✔ 城乡最低生活保障 (dibao): 440.00 元/月"; check "text output in Chinese" $?
contains "$tmp/one.txt" "标准 dibao_standard 「最低生活保障标准」 [rural] = 440.00 (县级 county 沁水县 140521, 自 2020-01-01; 原文: from 2020-01-01 5280 per year)"; check "explanation shows the standard's date and level" $?

# bad records: reported with line and field, the good ones still evaluated, exit 2
{ sed -n 2p "$root/rules/samples/households.jsonl"
  echo '{"id":"BAD1","region":"140521100000","area":"rural","members":[{"id":"P1","relation":"self","birth_date":"1960-02-30"}]}'
  echo '{"id":"BAD2",'
  sed -n 3p "$root/rules/samples/households.jsonl"; } > "$tmp/mixed.jsonl"
"$bin" eval --rules "$root/rules" --household "$tmp/mixed.jsonl" --period 2021-03 > "$tmp/mixed.out" 2> "$tmp/mixed.err"
check "bad records give exit 2" $([ $? -eq 2 ]; echo $?)
check "good records still evaluated" $([ "$(wc -l < "$tmp/mixed.out")" -eq 2 ]; echo $?)
contains "$tmp/mixed.err" "household \"BAD1\" (${tmp}/mixed.jsonl:2), field members[P1].birth_date: expected a date \"YYYY-MM-DD\", found \"1960-02-30\""
check "bad field named with record and line" $?
contains "$tmp/mixed.err" "household $tmp/mixed.jsonl:3: not valid JSON"; check "broken JSON line named" $?

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

# case database: a batch killed with SIGKILL and run again ends with exactly the decisions of an uninterrupted run
"$bin" gen --households 20000 --region 140521 --seed 11 --rules "$root/rules" --db "$tmp/clean.db" > /dev/null
cp "$tmp/clean.db" "$tmp/killed.db"
"$bin" batch --db "$tmp/clean.db" --rules "$root/rules" --period 2026-01 --threads 2 > "$tmp/clean.out"
check "clean batch exits 0" $?
"$bin" batch --db "$tmp/killed.db" --rules "$root/rules" --period 2026-01 --threads 1 > /dev/null 2>&1 &
victim=$!
sleep 0.3
kill -9 "$victim" 2>/dev/null; wait "$victim" 2>/dev/null
"$bin" batch --db "$tmp/killed.db" --rules "$root/rules" --period 2026-01 --threads 2 > "$tmp/killed.out"
check "resumed batch exits 0" $?
grep -v '^run ' "$tmp/clean.out" > "$tmp/clean.sum"; grep -v '^run ' "$tmp/killed.out" > "$tmp/killed.sum"
cmp -s "$tmp/clean.sum" "$tmp/killed.sum"; check "killed and resumed run has the same totals as a clean run" $?
"$bin" runs --db "$tmp/killed.db" > "$tmp/runs.out"
check "one run, complete" $([ "$(grep -c complete "$tmp/runs.out")" -eq 1 ] && [ "$(wc -l < "$tmp/runs.out")" -eq 1 ]; echo $?)

# replay: an auditor re-decides a stored household from the database alone
"$bin" replay --db "$tmp/killed.db" --run 1 --household G140521-1 --period 2026-01 > "$tmp/replay.out"; rc=$?
check "replay exits 0" $([ $rc -eq 0 ]; echo $?)
contains "$tmp/replay.out" "reproduces the stored decisions"; check "replay reproduces" $?
contains "$tmp/replay.out" "说明 (explanation):"; check "replay explains" $?

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

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
