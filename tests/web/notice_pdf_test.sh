#!/usr/bin/env bash
# notice_pdf_test.sh — prints the determination notice (审核确认告知书) of a sample household with headless Chromium
# and checks the PDF: its text (title, household id, a granted amount, a refused program) and that it is 1–2 A4 pages.
# Leaves notice.html, notice.pdf, notice.txt and notice-N.png (60 dpi) in WORKDIR to look at.
#
#   notice_pdf_test.sh FIXTURE PROJECT_ROOT WORKDIR
#
# Needs the Debian packages chromium, poppler-utils (pdftotext, pdfinfo, pdftoppm) and fonts-noto-cjk. A missing
# one FAILS the test with a message naming the package: the test is never skipped.
set -u

fixture=$1
root=$2
work=$3

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

chromium=""
for c in chromium chromium-browser google-chrome; do
  if command -v "$c" >/dev/null 2>&1; then
    chromium=$(command -v "$c")
    break
  fi
done
[ -n "$chromium" ] || fail "no chromium found (the notice is printed with headless Chromium): install the Debian package 'chromium'"
for tool in pdftotext pdfinfo pdftoppm; do
  command -v "$tool" >/dev/null 2>&1 || fail "no $tool found: install the Debian package 'poppler-utils'"
done
command -v fc-list >/dev/null 2>&1 || fail "no fc-list found: install the Debian package 'fontconfig'"
fc-list ':lang=zh-cn' family | grep -q 'Noto Serif CJK SC' ||
  fail "the font 'Noto Serif CJK SC' is not installed (the notice is set in it): install the Debian package 'fonts-noto-cjk'"

rm -rf "$work"
mkdir -p "$work" || fail "cannot create $work"
html="$work/notice.html"
pdf="$work/notice.pdf"
household=QS-0002
period=2026-01

"$fixture" "$root/rules" "$root/rules/samples/households.jsonl" "$household" "$period" "$html" ||
  fail "notice_print_fixture could not write the notice of $household"

# A private profile and HOME, so the test neither reads nor writes the user's browser state.
export HOME="$work/home"
mkdir -p "$HOME"
timeout 180 "$chromium" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
  --user-data-dir="$work/profile" --no-pdf-header-footer --print-to-pdf="$pdf" "file://$html" \
  >"$work/chromium.log" 2>&1
status=$?
if [ ! -s "$pdf" ]; then
  cat "$work/chromium.log" >&2
  fail "chromium (exit $status) wrote no PDF from $html"
fi

# The text in the order Chromium drew it (-raw: document order; -layout interleaves the letter-spaced title with the
# line below it). Table cells wrap: compare without blanks and line breaks.
pdftotext -raw "$pdf" "$work/notice.txt" || fail "pdftotext could not read $pdf"
text=$(tr -d ' \n\r\t\f' <"$work/notice.txt" | sed 's/　//g')  # (tr counts bytes: the ideographic space by sed)
errors=0
for want in "审核确认告知书" "$household" "760.00元/月" "重度残疾人护理补贴" "依法申请行政复议或者提起行政诉讼" "沁水县龙港镇人民政府（盖章）"; do
  if [[ "$text" != *"$want"* ]]; then
    echo "FAIL: the printed notice does not contain '$want' (see $work/notice.txt)" >&2
    errors=1
  fi
done

info=$(pdfinfo "$pdf") || fail "pdfinfo could not read $pdf"
pages=$(awk '/^Pages:/ {print $2}' <<<"$info")
size=$(awk -F': *' '/^Page size:/ {print $2}' <<<"$info")
echo "printed $household $period: $pages page(s), $size"
if ! [[ "$pages" =~ ^[0-9]+$ ]] || [ "$pages" -lt 1 ] || [ "$pages" -gt 2 ]; then
  echo "FAIL: the notice takes $pages pages; it must fit on 1–2 A4 pages" >&2
  errors=1
fi
# A4 is 595.28 x 841.89 pt; Chromium writes it in whole device pixels (594.96 x 841.92).
if ! [[ "$size" =~ ^59[45](\.[0-9]+)?\ x\ 84[12](\.[0-9]+)?\ pts ]]; then
  echo "FAIL: the page size is '$size', not A4 (595 x 842 pts)" >&2
  errors=1
fi

pdftoppm -png -r 60 "$pdf" "$work/notice" || fail "pdftoppm could not render $pdf"
echo "pages rendered to $work/notice-*.png"
exit $errors
