// impact.js — the impact report of one run against another (GET /api/runs/{id}/impact?from=), in the page:
// totals, ECharts charts (gains and losses by program, cost change by program), the losers with reasons,
// standards changed, cases to review.
import { h, money, fenText, toFen, table, enc, PER_SHORT } from './util.js';
import { programLabel, regionName } from './schema.js';

let echartsP = null;
export function loadECharts() {
  if (!echartsP) echartsP = import('../vendor/echarts.esm.min.js');
  return echartsP;
}

const CHANGE_KEYS = ['newly_eligible', 'no_longer_eligible', 'increased', 'decreased', 'unchanged', 'undetermined'];
const CHANGE_LABEL = { newly_eligible: '新增享受', no_longer_eligible: '不再享受', increased: '增发', decreased: '减发',
  unchanged: '不变', undetermined: '无法确定' };
const CHANGE_ALIASES = {
  newlyeligible: 'newly_eligible', newly_eligible: 'newly_eligible', '新增': 'newly_eligible', '新增享受': 'newly_eligible', gained: 'newly_eligible',
  nolongereligible: 'no_longer_eligible', no_longer_eligible: 'no_longer_eligible', '不再享受': 'no_longer_eligible', '停发': 'no_longer_eligible', lost: 'no_longer_eligible',
  increased: 'increased', '增加': 'increased', '增发': 'increased',
  decreased: 'decreased', '减少': 'decreased', '减发': 'decreased',
  unchanged: 'unchanged', '不变': 'unchanged', undetermined: 'undetermined', '无法确定': 'undetermined', '待定': 'undetermined',
};
export function changeKey(c) {
  if (c === null || c === undefined) return '';
  if (typeof c === 'number') return CHANGE_KEYS[c] || '';
  const k = String(c).replace(/\s/g, '');
  return CHANGE_ALIASES[k] || CHANGE_ALIASES[k.toLowerCase()] || CHANGE_ALIASES[k.toLowerCase().replace(/_/g, '')] || k;
}

function counts(c) {
  // {count:[6]} | [6] | {newly_eligible: n, ...}
  const out = Object.fromEntries(CHANGE_KEYS.map((k) => [k, 0]));
  if (!c) return out;
  const arr = Array.isArray(c) ? c : Array.isArray(c.count) ? c.count : Array.isArray(c.counts) ? c.counts : null;
  if (arr) { CHANGE_KEYS.forEach((k, i) => { out[k] = Number(arr[i] || 0); }); return out; }
  const src = c.counts && typeof c.counts === 'object' ? c.counts : c;
  for (const [k, v] of Object.entries(src)) { const key = changeKey(k); if (key in out) out[key] = Number(v || 0); }
  return out;
}

function programsOf(rep) {
  let progs = rep.programs || rep.by_program || [];
  if (!Array.isArray(progs)) {
    const order = rep.program_order || Object.keys(progs);
    progs = order.filter((p) => progs[p]).map((p) => ({ program: p, ...progs[p] }));
  }
  return progs.map((p) => ({ ...p, program: p.program || p.id, cnt: counts(p.changes || p.counts || p.change_counts) }));
}

export function isLoser(c) {
  if (c.offset) return false;
  const k = changeKey(c.change);
  if (k === 'no_longer_eligible' || k === 'decreased') return true;
  return typeof c.delta === 'string' && c.delta.startsWith('-') && k !== 'undetermined';
}

function yuan(x) {
  if (x === null || x === undefined || x === '') return '—';
  const f = toFen(String(x));
  return f === null ? String(x) : fenText(f);
}
function signed(x) {
  if (x === null || x === undefined || x === '') return '—';
  const f = toFen(String(x));
  if (f === null) return String(x);
  return `${f > 0n ? '+' : ''}${fenText(f)}`;
}
function num(x) { const f = toFen(String(x ?? '')); return f === null ? 0 : Number(f) / 100; }

/** Renders the report; returns {element, dispose}. ctx: {schema, runId, fromId} */
export function renderImpact(rep, ctx) {
  const el = h('div', { class: 'impact', testid: 'impact' });
  const charts = [];
  const progs = programsOf(rep);
  const changes = rep.changes || rep.changed || [];
  const losers = rep.losers || changes.filter(isLoser);
  const annualBefore = rep.annual_before ?? rep.totals?.annual_before;
  const annualAfter = rep.annual_after ?? rep.totals?.annual_after;
  const monthlyBefore = rep.monthly_before ?? rep.totals?.monthly_before ?? (annualBefore !== undefined ? (num(annualBefore) / 12).toFixed(2) : undefined);
  const monthlyAfter = rep.monthly_after ?? rep.totals?.monthly_after ?? (annualAfter !== undefined ? (num(annualAfter) / 12).toFixed(2) : undefined);
  const gains = progs.reduce((s, p) => s + p.cnt.newly_eligible + p.cnt.increased, 0);
  const losses = progs.reduce((s, p) => s + p.cnt.no_longer_eligible + p.cnt.decreased, 0);

  el.appendChild(h('div', { class: 'kpis', testid: 'impact-kpis' },
    kpi('比较', `批次 #${rep.from_run ?? ctx.fromId} (${rep.from_period ?? ''}) → #${rep.to_run ?? ctx.runId} (${rep.to_period ?? ''})`),
    kpi('比较户数', String(rep.households_compared ?? '—')),
    kpi('档案有变化的户', String(rep.records_changed ?? '—')),
    kpi('增发或新增（户·项）', String(gains), 'good'),
    kpi('减发或停发（户·项）', String(losses), losses ? 'bad' : ''),
    kpi('每月支出', `${yuan(monthlyBefore)} → ${yuan(monthlyAfter)} 元`),
    kpi('年度支出变化', annualAfter !== undefined && annualBefore !== undefined
      ? `${signed((num(annualAfter) - num(annualBefore)).toFixed(2))} 元` : '—', '', 'impact-annual-delta')));

  const chartRow = h('div', { class: 'chart-row' });
  const c1 = h('div', { class: 'chart', testid: 'chart-changes' });
  const c2 = h('div', { class: 'chart', testid: 'chart-cost' });
  chartRow.append(h('div', { class: 'chart-box' }, h('h4', null, '各项目增减（户·项）'), c1),
    h('div', { class: 'chart-box' }, h('h4', null, '各项目年度支出变化（元）'), c2));
  el.appendChild(chartRow);

  // per-program table
  el.appendChild(h('h3', null, '分项目'));
  el.appendChild(table([
    { title: '项目', cell: (p) => p.label || programLabel(ctx.schema, p.program) },
    { title: '周期', cell: (p) => PER_SHORT[p.per] || p.per || '' },
    { title: '享受户 前→后', cell: (p) => `${p.paid_before ?? '—'} → ${p.paid_after ?? '—'}`, class: 'num' },
    { title: '新增', cell: (p) => String(p.cnt.newly_eligible), class: 'num' },
    { title: '增发', cell: (p) => String(p.cnt.increased), class: 'num' },
    { title: '减发', cell: (p) => String(p.cnt.decreased), class: 'num' },
    { title: '停发', cell: (p) => String(p.cnt.no_longer_eligible), class: 'num' },
    { title: '无法确定', cell: (p) => String(p.cnt.undetermined), class: 'num' },
    { title: '金额 前→后', cell: (p) => `${yuan(p.before)} → ${yuan(p.after)}`, class: 'num' },
    { title: '年度变化', cell: (p) => signed(p.annual_delta ?? p.changes?.annual_delta), class: 'num' },
    { title: '需复核', cell: (p) => String(p.review_after ?? ''), class: 'num' },
  ], progs, { testid: 'impact-programs', rowTestid: (p) => `impact-program-${p.program}` }));

  const stds = rep.changed_standards || [];
  if (stds.length) {
    el.appendChild(h('h3', null, '变化的标准取值'));
    el.appendChild(table([
      { title: '标准', cell: (s) => s.label || s.standard },
      { title: '区划', cell: (s) => [s.region, s.key].filter(Boolean).join(' ') },
      { title: '原取值', cell: (s) => s.old_value ? `${s.old_value}（自 ${s.old_from}）` : '无' },
      { title: '新取值', cell: (s) => s.new_value ? `${s.new_value}（自 ${s.new_from}）` : '无' },
      { title: '来源', cell: (s) => s.citation || s.cite || '' },
    ], stds, { testid: 'impact-standards' }));
  }

  el.appendChild(h('h3', null, `减发或停发的家庭（${rep.losers_total ?? losers.length}）`));
  el.appendChild(table([
    { title: '户编号', cell: (c) => h('a', { href: `#/household/${enc(c.household)}/history` }, c.household) },
    { title: '乡镇', cell: (c) => c.township_name || regionName(ctx.schema, c.township) || c.township || '' },
    { title: '项目', cell: (c) => programLabel(ctx.schema, c.program) },
    { title: '变化', cell: (c) => CHANGE_LABEL[changeKey(c.change)] || c.change_label || String(c.change ?? '') },
    { title: '原金额', cell: (c) => yuan(c.old_amount), class: 'num' },
    { title: '新金额', cell: (c) => yuan(c.new_amount), class: 'num' },
    { title: '差额', cell: (c) => signed(c.delta), class: 'num neg' },
    { title: '原因', cell: (c) => h('ul', { class: 'reasons' }, (c.reasons && c.reasons.length ? c.reasons : [c.reason || '']).map((r) => h('li', null, r))) },
  ], losers.slice(0, 200), { testid: 'impact-losers', empty: '没有减发或停发的家庭' }));
  if ((rep.losers_total ?? losers.length) > 200) el.appendChild(h('p', { class: 'muted small' }, `只显示前 200 项（共 ${rep.losers_total ?? losers.length} 项）；完整清单见 entitle diff 生成的 losers.csv。`));

  const gainers = changes.filter((c) => !isLoser(c) && ['newly_eligible', 'increased'].includes(changeKey(c.change)));
  const others = changes.filter((c) => !isLoser(c) && !gainers.includes(c));
  const changeTable = (list, testid) => table([
    { title: '户编号', cell: (c) => h('a', { href: `#/household/${enc(c.household)}/history` }, c.household) },
    { title: '乡镇', cell: (c) => c.township_name || regionName(ctx.schema, c.township) || c.township || '' },
    { title: '项目', cell: (c) => programLabel(ctx.schema, c.program) },
    { title: '变化', cell: (c) => CHANGE_LABEL[changeKey(c.change)] || c.change_label || String(c.change ?? '') },
    { title: '原金额', cell: (c) => yuan(c.old_amount), class: 'num' },
    { title: '新金额', cell: (c) => yuan(c.new_amount), class: 'num' },
    { title: '差额', cell: (c) => signed(c.delta), class: 'num' },
    { title: '原因', cell: (c) => h('ul', { class: 'reasons' }, (c.reasons && c.reasons.length ? c.reasons : [c.reason || '']).map((r) => h('li', null, r))) },
  ], list.slice(0, 200), { testid, empty: '无' });
  el.appendChild(h('details', { class: 'more', testid: 'impact-gainers-box' },
    h('summary', null, `增发或新增享受的家庭（${gainers.length}）`), changeTable(gainers, 'impact-gainers')));
  if (others.length) {
    el.appendChild(h('details', { class: 'more' }, h('summary', null, `其他变化（无法确定等，${others.length}）`), changeTable(others, 'impact-others')));
  }

  const review = rep.review || [];
  el.appendChild(h('h3', null, `需复核（${rep.review_total ?? review.length}）`));
  el.appendChild(reviewTable(review.slice(0, 100), ctx.schema, 'impact-review'));
  if (review.length > 100) el.appendChild(h('p', { class: 'muted small' }, `只显示前 100 项（共 ${review.length} 项），完整清单见“复核清单”。`));

  // charts
  const draw = async () => {
    const echarts = await loadECharts();
    const names = progs.map((p) => p.label || programLabel(ctx.schema, p.program));
    const ch1 = echarts.init(c1, null, { renderer: 'svg' });
    ch1.setOption({
      animation: false,
      textStyle: { fontFamily: '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif' },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: names, inverse: true },
      series: [
        { name: '新增', type: 'bar', stack: 'g', data: progs.map((p) => p.cnt.newly_eligible), itemStyle: { color: '#2e7d32' } },
        { name: '增发', type: 'bar', stack: 'g', data: progs.map((p) => p.cnt.increased), itemStyle: { color: '#81c784' } },
        { name: '减发', type: 'bar', stack: 'g', data: progs.map((p) => -p.cnt.decreased), itemStyle: { color: '#ef9a9a' } },
        { name: '停发', type: 'bar', stack: 'g', data: progs.map((p) => -p.cnt.no_longer_eligible), itemStyle: { color: '#c62828' } },
      ],
    });
    const ch2 = echarts.init(c2, null, { renderer: 'svg' });
    const deltas = progs.map((p) => num(p.annual_delta ?? p.changes?.annual_delta));
    ch2.setOption({
      animation: false,
      textStyle: { fontFamily: '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif' },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => `${Number(v).toFixed(2)} 元` },
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: names, inverse: true },
      series: [{ name: '年度支出变化', type: 'bar', data: deltas.map((v) => ({ value: v, itemStyle: { color: v < 0 ? '#c62828' : '#1f4e8c' } })),
        label: { show: true, position: 'right', formatter: (p) => (p.value ? Number(p.value).toFixed(0) : '') } }],
    });
    charts.push(ch1, ch2);
    el.dataset.charts = 'ready';
  };
  const onResize = () => charts.forEach((c) => c.resize());
  window.addEventListener('resize', onResize);
  draw().catch((e) => { c1.textContent = `图表无法载入：${e.message}`; });
  return { element: el, dispose: () => { window.removeEventListener('resize', onResize); charts.forEach((c) => c.dispose()); } };
}

function kpi(label, value, cls = '', testid) {
  return h('div', { class: `kpi ${cls}`, testid }, h('div', { class: 'kpi-label' }, label), h('div', { class: 'kpi-value' }, value));
}

export function reviewTable(list, schema, testid) {
  return table([
    { title: '户编号', cell: (c) => h('a', { href: `#/household/${enc(c.household)}/history` }, c.household) },
    { title: '乡镇', cell: (c) => c.township_name || regionName(schema, c.township) || c.township || '' },
    { title: '项目', cell: (c) => programLabel(schema, c.program) },
    { title: '金额', cell: (c) => (c.amount ? `${money(c.amount)}/${PER_SHORT[c.per] || c.per || ''}` : '—'), class: 'num' },
    { title: '复核原因', cell: (c) => h('ul', { class: 'reasons' },
      [...(c.reasons || c.review || []).map((r) => h('li', null, `⚑ ${r}`)),
        ...(c.stale || []).map((s) => h('li', { class: 'muted' }, `⏳ ${s.label || s.standard} ${s.region || ''} 自 ${s.from} 起（已过更新期）`))]) },
  ], list, { testid, empty: '没有需复核的案件' });
}
