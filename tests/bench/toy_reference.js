// toy_reference.js — the hand-written program the toy benchmark races: reads household JSON Lines, JSON.parse each
// line, computes the toy rule set (tests/bench/toy/toy_programs.rules) in integer cents and writes one JSON line per
// household. With --compare ENTITLE_RESULTS it instead checks entitle's results against its own, household by
// household, and prints how many agree (exit 1 on any difference).
// Usage: node toy_reference.js HOUSEHOLDS.jsonl OUT.jsonl PERIOD   |   node toy_reference.js HOUSEHOLDS.jsonl --compare RESULTS.jsonl PERIOD
'use strict';
const fs = require('fs');

/** Calls fn(line) for every line of the file, reading it in 16 MiB chunks. */
function eachLine(path, fn) {
  const fd = fs.openSync(path, 'r');
  const chunk = Buffer.alloc(16 << 20);
  let rest = '';
  for (;;) {
    const n = fs.readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    const text = rest + chunk.toString('utf8', 0, n);
    const lines = text.split('\n');
    rest = lines.pop();
    for (const line of lines) if (line.length) fn(line);
  }
  if (rest.length) fn(rest);
  fs.closeSync(fd);
}

/** "1234.5" → 123450 cents; the generator writes at most two decimals. */
function cents(text) {
  const dot = text.indexOf('.');
  if (dot < 0) return Number(text) * 100;
  const frac = (text.slice(dot + 1) + '00').slice(0, 2);
  return Number(text.slice(0, dot)) * 100 + Number(frac);
}

function money(c) {
  const whole = Math.floor(c / 100), frac = c % 100;
  return whole + '.' + (frac < 10 ? '0' : '') + frac;
}

/** The toy rule set for one household in the month `year`-`month`: amounts in cents. */
function decide(h, year, month, lastDay) {
  const standard = h.area === 'urban' ? 66000 : 47000;
  let total = 0, disabled = 0, elderlyNoIncome = 0;
  for (const m of h.members) {
    let income = 0;
    if (m.incomes) for (const i of m.incomes) {
      if (i.per !== 'month') throw new Error(`${h.id}: only monthly incomes are generated`);
      income += cents(i.amount);
    }
    total += income;
    if (m.disability && m.disability.grade <= 2) disabled++;
    const by = Number(m.birth_date.slice(0, 4)), bm = Number(m.birth_date.slice(5, 7)), bd = Number(m.birth_date.slice(8, 10));
    const age = year - by - (bm > month || (bm === month && bd > lastDay) ? 1 : 0);
    if (age >= 60 && income === 0) elderlyNoIncome++;
  }
  const size = h.members.length;
  // per-capita < standard  ⇔  total < standard × size; (standard − total / size) × size = standard × size − total.
  const dibao = total < standard * size ? standard * size - total : 0;
  const elderly = size === 1 && elderlyNoIncome === 1 ? (standard * 13) / 10 : 0;
  return { dibao, disability: 9000 * disabled, elderly };
}

function main() {
  const [input, second, third, fourth] = process.argv.slice(2);
  const compare = second === '--compare';
  const period = compare ? fourth : third;
  if (!input || !second || !period || (compare && !third)) {
    console.error('usage: node toy_reference.js HOUSEHOLDS.jsonl OUT.jsonl PERIOD | HOUSEHOLDS.jsonl --compare RESULTS.jsonl PERIOD');
    process.exit(2);
  }
  const year = Number(period.slice(0, 4)), month = Number(period.slice(5, 7));
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (!compare) {
    const fd = fs.openSync(second, 'w');
    let out = [];
    let bytes = 0;
    eachLine(input, (line) => {
      const h = JSON.parse(line);
      const d = decide(h, year, month, lastDay);
      const s = `{"household":${JSON.stringify(h.id)},"toy_dibao":"${money(d.dibao)}","toy_disability":"${money(d.disability)}","toy_elderly":"${money(d.elderly)}"}\n`;
      out.push(s);
      bytes += s.length;
      if (bytes > (8 << 20)) { fs.writeSync(fd, out.join('')); out = []; bytes = 0; }
    });
    fs.writeSync(fd, out.join(''));
    fs.closeSync(fd);
    return;
  }
  // Compare: entitle's result lines in the same order as the households.
  const expected = [];
  eachLine(input, (line) => {
    const h = JSON.parse(line);
    expected.push([h.id, decide(h, year, month, lastDay)]);
  });
  let n = 0, agree = 0, shown = 0;
  eachLine(third, (line) => {
    const r = JSON.parse(line);
    const [id, d] = expected[n++] || [undefined, undefined];
    const got = {};
    for (const e of r.entitlements) got[e.program] = e.amount;
    const ok = r.household === id && got.toy_dibao === money(d.dibao) && got.toy_disability === money(d.disability) &&
      got.toy_elderly === money(d.elderly);
    if (ok) agree++;
    else if (shown++ < 5) console.error(`differs: ${r.household} (expected ${id}): entitle ${JSON.stringify(got)}, reference ${money(d.dibao)} / ${money(d.disability)} / ${money(d.elderly)}`);
  });
  console.log(`reference and entitle agree on ${agree} of ${expected.length} households` + (n !== expected.length ? ` (entitle wrote ${n} results)` : ''));
  process.exit(agree === expected.length && n === expected.length ? 0 : 1);
}

main();
