// impact.js — the impact report of one run against another (GET /api/runs/{id}/impact?from=), in the page:
// households gaining and losing, the monthly and yearly cost, ECharts charts (gains and losses by program, cost change
// by program), programs, townships, standards changed, the losers and gainers with reasons, cases to review. Also
// shown for an amendment's impact preview (GET /api/amendments/{id}).
import { h, money, fenText, toFen, table, enc, shortHash, PER_SHORT } from './util.js';
import { programLabel, regionName } from './schema.js';

let echartsP = null;
export function loadECharts() {
  if (!echartsP) echartsP = import('../vendor/echarts.esm.min.js');
  return echartsP;
}

const CHANGE_KEYS = ['newly_eligible', 'no_longer_eligible', 'increased', 'decreased', 'unchanged', 'undetermined'];
const CHANGE_LABEL = { newly_eligible: '新增享受', no_longer_eligible: '不再享受', increased: '增发', decreased: '减发',
  unchanged: '不变', undetermined: '无法确定' };

export function isLoser(c) {
  return !c.offset && (c.change === 'no_longer_eligible' || c.change === 'decreased');
}
export function isGainer(c) {
  return c.change === 'newly_eligible' || c.change === 'increased';
}

function yuan(x) {
  if (x === null || x === undefined || x === '') return '—';
  const f = toFen(String(x));
  return f === null ? String(x) : fenText(f);
}
/** A signed amount ("+1234.50", "-12.00", "0.00") with its sign and thousands separators. */
function signed(x) {
  if (x === null || x === undefined || x === '') return '—';
  const f = toFen(String(x).replace(/^\+/, ''));
  if (f === null) return String(x);
  return `${f > 0n ? '+' : ''}${fenText(f)}`;
}
function num(x) { const f = toFen(String(x ?? '').replace(/^\+/, '')); return f === null ? 0 : Number(f) / 100; }
const householdsIn = (list) => new Set(list.map((c) => c.household)).size;

/** Renders the report; returns {element, dispose}. ctx: {schema} */
export function renderImpact(rep, ctx) {
  const el = h('div', { class: 'impact', testid: 'impact' });
  const charts = [];
  const progs = rep.programs;
  const labelOf = (id) => progs.find((p) => p.program === id)?.label || programLabel(ctx.schema, id);
  const changes = rep.changes;
  const gainers = changes.filter(isGainer);
  const partial = rep.changes_total > changes.length;  // the server lists the first 2000 changes
  const gains = progs.reduce((s, p) => s + p.changes.newly_eligible + p.changes.increased, 0);
  const losses = progs.reduce((s, p) => s + p.changes.no_longer_eligible + p.changes.decreased, 0);
  const nGain = householdsIn(gainers), nLose = householdsIn(rep.losers);

  el.appendChild(h('p', { class: 'impact-what', testid: 'impact-what' },
    h('strong', null, `批次 #${rep.from_run}（${rep.from_period}）→ 批次 #${rep.to_run}（${rep.to_period}）`),
    `：比较 ${rep.households_compared} 户，其中 ${rep.records_changed} 户的档案在两次认定之间有变化。`,
    rep.from_ruleset !== rep.to_ruleset ? `规则集 ${shortHash(rep.from_ruleset)} → ${shortHash(rep.to_ruleset)}。` : '规则集相同。'));
  el.appendChild(h('div', { class: 'kpis', testid: 'impact-kpis' },
    kpi('增发或新增享受的家庭', `${partial ? '≥ ' : ''}${nGain} 户`, nGain ? 'good' : '', 'impact-households-gaining', `${gains} 户·项`),
    kpi('减发或停发的家庭', `${rep.losers_total > rep.losers.length ? '≥ ' : ''}${nLose} 户`, nLose ? 'bad' : '', 'impact-households-losing', `${losses} 户·项`),
    kpi('每月支出', `${yuan(rep.monthly_before)} → ${yuan(rep.monthly_after)} 元`, '', 'impact-monthly'),
    kpi('每月支出变化', `${signed(rep.monthly_delta)} 元`, '', 'impact-monthly-delta'),
    kpi('年度支出变化', `${signed(rep.annual_delta)} 元`, '', 'impact-annual-delta', '含按学期、按年发放的项目')));

  const chartRow = h('div', { class: 'chart-row' });
  const c1 = h('div', { class: 'chart', testid: 'chart-changes' });
  const c2 = h('div', { class: 'chart', testid: 'chart-cost' });
  chartRow.append(h('div', { class: 'chart-box' }, h('h4', null, '各项目增减（户·项）'), c1),
    h('div', { class: 'chart-box' }, h('h4', null, '各项目年度支出变化（元）'), c2));
  el.appendChild(chartRow);

  // per-program table
  el.appendChild(h('h3', null, '分项目'));
  el.appendChild(table([
    { title: '项目', cell: (p) => p.label },
    { title: '周期', cell: (p) => PER_SHORT[p.per] || p.per },
    { title: '享受户 前→后', cell: (p) => `${p.paid_before} → ${p.paid_after}`, class: 'num' },
    { title: '新增', cell: (p) => String(p.changes.newly_eligible), class: 'num' },
    { title: '增发', cell: (p) => String(p.changes.increased), class: 'num' },
    { title: '减发', cell: (p) => String(p.changes.decreased), class: 'num' },
    { title: '停发', cell: (p) => String(p.changes.no_longer_eligible), class: 'num' },
    { title: '无法确定', cell: (p) => String(p.changes.undetermined), class: 'num' },
    { title: '金额 前→后', cell: (p) => `${yuan(p.before)} → ${yuan(p.after)}`, class: 'num' },
    { title: '年度变化', cell: (p) => signed(p.changes.annual_delta), class: 'num' },
    { title: '需复核', cell: (p) => String(p.review_after), class: 'num' },
  ], progs, { testid: 'impact-programs', rowTestid: (p) => `impact-program-${p.program}` }));

  // per township: every program's changes added up
  const towns = Object.entries(rep.by_township || {}).map(([code, t]) => {
    const sum = Object.fromEntries(CHANGE_KEYS.map((k) => [k, 0]));
    let annual = 0;
    for (const c of Object.values(t.programs)) { for (const k of CHANGE_KEYS) sum[k] += c[k]; annual += num(c.annual_delta); }
    return { code, name: t.name, sum, annual };
  }).filter((t) => t.sum.newly_eligible + t.sum.increased + t.sum.decreased + t.sum.no_longer_eligible > 0);
  if (towns.length) {
    el.appendChild(h('details', { class: 'more', testid: 'impact-townships-box' }, h('summary', null, `分乡镇（${towns.length} 个乡镇有变化）`),
      table([
        { title: '乡镇', cell: (t) => t.name || t.code },
        { title: '新增', cell: (t) => String(t.sum.newly_eligible), class: 'num' },
        { title: '增发', cell: (t) => String(t.sum.increased), class: 'num' },
        { title: '减发', cell: (t) => String(t.sum.decreased), class: 'num' },
        { title: '停发', cell: (t) => String(t.sum.no_longer_eligible), class: 'num' },
        { title: '无法确定', cell: (t) => String(t.sum.undetermined), class: 'num' },
        { title: '年度变化', cell: (t) => signed(t.annual.toFixed(2)), class: 'num' },
      ], towns, { testid: 'impact-townships' })));
  }

  if (rep.changed_standards.length) {
    el.appendChild(h('h3', null, '变化的标准取值'));
    el.appendChild(table([
      { title: '标准', cell: (s) => s.label },
      { title: '区划', cell: (s) => [regionName(ctx.schema, s.region), s.region, s.key].filter(Boolean).join(' ') },
      { title: '原取值', cell: (s) => s.old_value ? `${s.old_value}（自 ${s.old_from}）` : '无' },
      { title: '新取值', cell: (s) => s.new_value ? `${s.new_value}（自 ${s.new_from}）` : '无' },
      { title: '来源', cell: (s) => s.citation },
    ], rep.changed_standards, { testid: 'impact-standards' }));
  }

  const changeTable = (list, testid, empty) => table([
    { title: '户编号', cell: (c) => h('a', { href: `#/household/${enc(c.household)}/history` }, c.household) },
    { title: '乡镇', cell: (c) => c.township_name },
    { title: '项目', cell: (c) => labelOf(c.program) },
    { title: '变化', cell: (c) => CHANGE_LABEL[c.change] || c.change_label },
    { title: '原金额', cell: (c) => yuan(c.old_amount), class: 'num' },
    { title: '新金额', cell: (c) => yuan(c.new_amount), class: 'num' },
    { title: '差额', cell: (c) => h('span', { class: c.delta.startsWith('-') ? 'neg' : '' }, signed(c.delta)), class: 'num' },
    { title: '原因', cell: (c) => h('ul', { class: 'reasons' }, c.reasons.map((r) => h('li', null, r))) },
  ], list.slice(0, 200), { testid, empty });
  el.appendChild(h('h3', null, `减发或停发的家庭（${rep.losers_total} 户·项）`));
  el.appendChild(changeTable(rep.losers, 'impact-losers', '没有减发或停发的家庭'));
  if (rep.losers_total > 200) el.appendChild(h('p', { class: 'muted small' }, `只显示前 200 项（共 ${rep.losers_total} 项）；完整清单见 entitle diff 生成的 losers.csv。`));

  const others = changes.filter((c) => !isLoser(c) && !isGainer(c));
  el.appendChild(h('details', { class: 'more', testid: 'impact-gainers-box' },
    h('summary', null, `增发或新增享受的家庭（${partial ? '≥ ' : ''}${gainers.length} 户·项）`), changeTable(gainers, 'impact-gainers', '无')));
  if (others.length) {
    el.appendChild(h('details', { class: 'more' }, h('summary', null, `其他变化（无法确定、补差随其他待遇增加而减少等，${others.length}）`), changeTable(others, 'impact-others', '无')));
  }

  el.appendChild(h('h3', null, `需复核（${rep.review_total}）`));
  el.appendChild(reviewTable(rep.review.slice(0, 100), ctx.schema, 'impact-review'));
  if (rep.review_total > 100) el.appendChild(h('p', { class: 'muted small' }, `只显示前 100 项（共 ${rep.review_total} 项），完整清单见“复核清单”。`));

  // charts
  const draw = async () => {
    const echarts = await loadECharts();
    const names = progs.map((p) => p.label);
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
        { name: '新增', type: 'bar', stack: 'g', data: progs.map((p) => p.changes.newly_eligible), itemStyle: { color: '#2e7d32' } },
        { name: '增发', type: 'bar', stack: 'g', data: progs.map((p) => p.changes.increased), itemStyle: { color: '#81c784' } },
        { name: '减发', type: 'bar', stack: 'g', data: progs.map((p) => -p.changes.decreased), itemStyle: { color: '#ef9a9a' } },
        { name: '停发', type: 'bar', stack: 'g', data: progs.map((p) => -p.changes.no_longer_eligible), itemStyle: { color: '#c62828' } },
      ],
    });
    const ch2 = echarts.init(c2, null, { renderer: 'svg' });
    const deltas = progs.map((p) => num(p.changes.annual_delta));
    ch2.setOption({
      animation: false,
      textStyle: { fontFamily: '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif' },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => `${Number(v).toFixed(2)} 元` },
      grid: { left: 8, right: 64, top: 16, bottom: 8, containLabel: true },
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

function kpi(label, value, cls = '', testid, note) {
  return h('div', { class: `kpi ${cls}`, testid }, h('div', { class: 'kpi-label' }, label), h('div', { class: 'kpi-value' }, value),
    note ? h('div', { class: 'kpi-note' }, note) : null);
}

export function reviewTable(list, schema, testid) {
  return table([
    { title: '户编号', cell: (c) => h('a', { href: `#/household/${enc(c.household)}/history` }, c.household) },
    { title: '乡镇', cell: (c) => c.township_name },
    { title: '项目', cell: (c) => programLabel(schema, c.program) },
    { title: '金额', cell: (c) => (c.amount ? `${money(c.amount)}/${PER_SHORT[c.per] || c.per}` : '—'), class: 'num' },
    { title: '复核原因', cell: (c) => h('ul', { class: 'reasons' },
      [...c.reasons.map((r) => h('li', null, `⚑ ${r}`)),
        ...c.stale.map((s) => h('li', { class: 'muted' }, `⏳ ${s.label} ${s.region}${s.key ? ' ' + s.key : ''} 自 ${s.from} 起的取值（已过更新期）`))]) },
  ], list, { testid, empty: '没有需复核的案件' });
}
