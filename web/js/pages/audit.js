// Auditor: trace a decision (GET /api/replay) and read the audit log (GET /api/audit).
// Routes: #/audit?household=&period=&run= · #/audit/log?target=&user=&before=
import { get, can } from '../api.js';
import { h, clear, go, enc, hashWith, table, reportError, currentMonth, fmtTime, shortHash, money, PER_SHORT, monthInput, DECISION } from '../util.js';
import { loadSchema, programLabel } from '../schema.js';
import { renderDecision } from '../decision.js';

export async function render(main, route) {
  if (route.parts[1] === 'log') return renderLog(main, route);
  if (!can.audit()) {
    main.appendChild(h('div', { class: 'panel' }, h('p', { class: 'error-text' }, '无权访问：仅审计人员和县民政局可追溯决定。')));
    return;
  }
  return renderReplay(main, route);
}

let runsCache = [];

async function renderReplay(main, route) {
  const schema = await loadSchema();
  const q = route.query;
  const panel = h('div', { class: 'panel' }, h('h2', null, '决定追溯'),
    h('p', { class: 'muted small' }, '按家庭、月份和批次查出存档的决定，用当时的规则集和当时的家庭记录版本重新计算，核对是否一致；列出所用条文、依据、标准取值及其生效日期和涉及该家庭的操作记录。'));
  main.appendChild(panel);
  const hh = h('input', { type: 'text', value: q.household || '', testid: 'replay-household', placeholder: '户编号' });
  const periodField = monthInput({ value: q.period || currentMonth(), testid: 'replay-period' });
  const period = periodField.input;
  const run = h('select', { testid: 'replay-run' }, h('option', { value: '' }, '请选择批次'));
  const btn = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'replay-submit' }, '追溯');
  panel.appendChild(h('form', { class: 'toolbar', onsubmit: (e) => {
    e.preventDefault();
    go(hashWith('#/audit', { household: hh.value.trim(), period: period.value, run: run.value }));
  } }, h('label', null, '户编号 ', hh), h('label', null, '月份 ', periodField), h('label', null, '批次 ', run), btn));
  try {
    const runs = (await get('/api/runs')).data;
    for (const r of runs) {
      run.appendChild(h('option', { value: r.id, selected: String(r.id) === String(q.run || '') },
        `#${r.id} ${r.period_from}${r.period_to !== r.period_from ? '–' + r.period_to : ''}${r.kind === 'batch' ? '' : ' 调标预览'}${r.of_record ? '（正式决定）' : r.approved_at ? '（已批准）' : ''}`));
    }
    if (!q.run) { const rec = runs.find((r) => r.of_record); if (rec) run.value = String(rec.id); }
    runsCache = runs;
  } catch (e) { /* runs unavailable: the select stays empty */ }
  const out = h('div', { testid: 'replay-result' });
  panel.appendChild(out);
  if (!q.household || !q.run) return;
  out.appendChild(h('p', { class: 'muted' }, '正在重新计算……'));
  let data;
  try {
    ({ data } = await get('/api/replay', { run: q.run, household: q.household, period: q.period }));
  } catch (e) { clear(out); reportError(e, '追溯失败'); return; }
  // who stored the record version the decision used, and when
  if (data.record_version) {
    try {
      const vs = (await get(`/api/households/${enc(q.household)}/versions`)).data;
      const v = vs.find((x) => x.version === data.record_version);
      if (v) { data.record_stored_at = v.stored_at; data.record_stored_by = v.stored_by; }
    } catch (e) { /* versions unavailable */ }
  }
  const runInfo = runsCache.find((r) => String(r.id) === String(q.run));
  if (runInfo) data.run_info = runInfo;
  clear(out);
  out.appendChild(renderReplayResult(data, schema, q));
}

function renderReplayResult(d, schema, q) {
  const box = h('div', { class: 'replay' });
  const verdict = String(d.verdict || d.replay?.verdict || '').toLowerCase();
  const same = verdict === 'same';
  const diffs = d.differences || d.replay?.differences || [];
  box.appendChild(h('div', { class: `callout ${same ? 'callout-ok' : 'callout-error'}`, testid: 'replay-verdict', dataset: { verdict } },
    h('strong', null, same ? '✔ 重新计算的结果与存档的决定一致' : verdict === 'differs' ? '✘ 重新计算的结果与存档的决定不一致' : `核对结果：${verdict || '未知'}`),
    diffs.length ? h('ul', { testid: 'replay-differences' }, diffs.map((x) => h('li', null, typeof x === 'string' ? x
      : `${programLabel(schema, x.program) || ''}：${x.field || x.what || ''} 存档 ${x.stored ?? x.before ?? ''} ≠ 重算 ${x.replayed ?? x.after ?? ''}${x.message ? '，' + x.message : ''}`))) : null));
  const result = d.result || d.replay?.result;
  const record = d.record || d.household_record || null;
  box.appendChild(h('dl', { class: 'facts-list', testid: 'replay-meta' },
    h('dt', null, '家庭'), h('dd', null, q.household),
    h('dt', null, '月份'), h('dd', null, d.period || q.period),
    h('dt', null, '批次'), h('dd', { testid: 'replay-run' }, `#${d.run ?? q.run}`,
      d.run_info ? ` · ${d.run_info.kind === 'batch' ? '批量认定' : '调标预览'} ${d.run_info.period_from}${d.run_info.period_to !== d.run_info.period_from ? '–' + d.run_info.period_to : ''} · 完成于 ${fmtTime(d.run_info.finished || d.run_info.started)}` : '',
      d.run_info && d.run_info.approved_at ? ` · 已由 ${d.run_info.approved_by} 于 ${fmtTime(d.run_info.approved_at)} 批准${d.run_info.of_record ? '（正式决定）' : '（已被更新批次取代）'}` : d.run_info ? ' · 未批准' : ''),
    h('dt', null, '所用记录版本'), h('dd', { testid: 'replay-record-version' }, d.record_version ? `第 ${d.record_version} 版` : '（未能对应到版本）',
      d.record_stored_at ? `，${d.record_stored_by || '导入'} 于 ${fmtTime(d.record_stored_at)} 保存` : '',
      d.record_hash ? h('span', { class: 'mono muted' }, ` sha256 ${shortHash(d.record_hash)}`) : null),
    h('dt', null, '规则集'), h('dd', { class: 'mono' }, shortHash(d.ruleset || result?.ruleset))));
  const stored = d.stored;
  box.appendChild(h('h3', null, '存档的决定'));
  box.appendChild(table([
    { title: '项目', cell: (s) => s.label },
    { title: '认定', cell: (s) => { const D = DECISION[s.decision]; return D ? h('span', { class: D.cls }, `${D.sym} ${D.text}`) : s.decision; } },
    { title: '金额', cell: (s) => (s.amount ? `${money(s.amount)}${s.per ? '/' + (PER_SHORT[s.per] || s.per) : ''}` : '—'), class: 'num' },
    { title: '对象', cell: (s) => (Array.isArray(s.members) ? s.members.join('、') : (s.members || '')) },
    { title: '复核/暂定', cell: (s) => [...(s.review || []).map((r) => `⚑ ${r}`), s.provisional ? '⏳ 暂定' : ''].filter(Boolean).join('；') },
  ], stored, { testid: 'replay-stored', empty: '该月此批次没有存档的决定行（即全部“不享受”）' }));
  if (result) {
    box.appendChild(h('h3', null, '重新计算的结果（含理由与计算过程）'));
    box.appendChild(renderDecision(result, { schema, record, prefix: 'rp-' }));
    // standard values used, with their dates
    const stds = (result.explanation || []).filter((n) => n.effective_from || n.region_level);
    const seen = new Set();
    const uniq = stds.filter((n) => { const k = `${n.rule}|${n.region}|${n.key}|${n.effective_from}`; if (seen.has(k)) return false; seen.add(k); return true; });
    const rules = result.rules || {};
    box.appendChild(h('h3', null, '所用标准取值'));
    box.appendChild(table([
      { title: '标准', cell: (n) => rules[n.rule]?.label || n.rule },
      { title: '区划', cell: (n) => [n.region_level, n.region, n.key].filter(Boolean).join(' ') },
      { title: '生效', cell: (n) => n.effective_from || '', class: 'nowrap' },
      { title: '取值', cell: (n) => `${n.value}${n.written ? '（' + n.written + '）' : ''}` },
      { title: '来源', cell: (n) => n.value_citation || '' },
      { title: '位置', cell: (n) => h('span', { class: 'code' }, n.value_at || '') },
    ], uniq, { testid: 'replay-standards', empty: '未用到标准取值' }));
  }
  const ruleTexts = d.rule_texts || d.rules || result?.rules || {};
  const rlist = Array.isArray(ruleTexts) ? ruleTexts : Object.entries(ruleTexts).map(([name, r]) => ({ name, ...r }));
  box.appendChild(h('h3', null, `条文与依据（${rlist.length}）`));
  box.appendChild(h('div', { class: 'rule-texts', testid: 'replay-rules' }, rlist.map((r) => h('details', { class: 'rule-text' },
    h('summary', null, h('strong', null, r.label || r.name), h('span', { class: 'code' }, ` ${r.name || ''} ${r.at || ''}`),
      r.citation ? h('span', { class: 'cite' }, ` 依据：${r.citation}`) : null),
    r.source ? h('pre', null, r.source) : h('p', { class: 'muted small' }, '（无原文）')))));
  const audit = d.audit || d.audit_entries || [];
  box.appendChild(h('h3', null, '涉及该家庭的操作记录'));
  box.appendChild(auditTable(audit, 'replay-audit'));
  return box;
}

function auditTable(list, testid) {
  return table([
    { title: '#', cell: (e) => String(e.id ?? ''), class: 'num' },
    { title: '时间', cell: (e) => fmtTime(e.at), class: 'nowrap' },
    { title: '用户', cell: (e) => e.user || '' },
    { title: '操作', cell: (e) => ACTION[e.action] ? `${ACTION[e.action]} (${e.action})` : e.action },
    { title: '对象', cell: (e) => e.target || '' },
    { title: '前/后摘要', cell: (e) => h('span', { class: 'mono small' }, `${shortHash(e.before_hash) || '—'} → ${shortHash(e.after_hash) || '—'}`) },
    { title: '说明', cell: (e) => detailText(e.detail), class: 'detail' },
  ], list, { testid, rowTestid: (e) => `audit-row-${e.id}`, empty: '没有记录' });
}

const DETAIL_KEY = { period: '月份', period_from: '起', period_to: '止', to: '至', version: '版本', decision: '决定编号',
  ruleset: '规则集', record_version: '记录版本', households: '户数', bad_records: '有误记录', standard: '标准', region: '区划',
  key: '类别', from: '生效', value: '取值' };
function detailText(d) {
  if (d === null || d === undefined || d === '') return '';
  if (typeof d !== 'object') return String(d);
  return Object.entries(d).map(([k, v]) => {
    let t = typeof v === 'object' ? JSON.stringify(v) : String(v);
    if (/^sha256:[0-9a-f]{20,}$/.test(t) || /^[0-9a-f]{40,}$/.test(t)) t = shortHash(t);
    return `${DETAIL_KEY[k] || k} ${t}`;
  }).join('；');
}

const ACTION = {
  login: '登录', logout: '退出', login_failed: '登录失败', household_put: '保存家庭记录', decide: '个案认定', notice: '打开告知书',
  batch_start: '开始批量认定', batch_finish: '批量认定完成', batch_stopped: '批量认定中止', approve_run: '批准批次',
  amendment_enter: '录入标准调整', amendment_adopt: '采用标准调整', notice_template: '修改告知书模板', user_add: '新增用户',
};

async function renderLog(main, route) {
  if (!can.auditLog()) { main.appendChild(h('div', { class: 'panel' }, h('p', { class: 'error-text' }, '无权查看操作日志。'))); return; }
  const q = route.query;
  const panel = h('div', { class: 'panel' }, h('h2', null, '操作日志'));
  main.appendChild(panel);
  const target = h('input', { type: 'text', value: q.target || '', testid: 'audit-target', placeholder: '对象（如户编号）' });
  const user = h('input', { type: 'text', value: q.user || '', testid: 'audit-user', placeholder: '用户' });
  const limit = h('select', { testid: 'audit-limit' }, [50, 100, 200, 500].map((n) => h('option', { value: n, selected: String(n) === String(q.limit || 50) }, `${n} 条`)));
  panel.appendChild(h('form', { class: 'toolbar', onsubmit: (e) => {
    e.preventDefault();
    go(hashWith('#/audit/log', { target: target.value.trim(), user: user.value.trim(), limit: limit.value }));
  } }, target, user, limit, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'audit-submit' }, '查询')));
  const out = h('div', { testid: 'audit-log' });
  panel.appendChild(out);
  try {
    const { data } = await get('/api/audit', { target: q.target, user: q.user, limit: q.limit || 50, before: q.before });
    const list = Array.isArray(data) ? data : (data.entries || data.audit || []);
    out.appendChild(auditTable(list, 'audit-table'));
    const last = list[list.length - 1];
    out.appendChild(h('div', { class: 'pager' },
      q.before ? h('a', { class: 'btn btn-small', href: hashWith('#/audit/log', { target: q.target, user: q.user, limit: q.limit }) }, '最新') : null,
      last && list.length >= Number(q.limit || 50) ? h('a', { class: 'btn btn-small', testid: 'audit-older',
        href: hashWith('#/audit/log', { target: q.target, user: q.user, limit: q.limit, before: last.id }) }, '更早') : null));
  } catch (e) { reportError(e, '操作日志'); }
}

