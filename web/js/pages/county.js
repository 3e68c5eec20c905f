// County office: runs and batches (live progress), approving a run, the impact report of a run against another,
// the review list, standards and amendments (enter a value → preview its impact → adopt), the notice template,
// and the rule catalogue.
// Routes: #/county · #/county/runs/{id}/impact?from= · #/county/runs/{id}/review · #/county/standards ·
//         #/county/template · #/catalogue
import { get, post, put, can } from '../api.js';
import { h, clear, go, hashWith, table, reportError, showError, showInfo, clearError, currentMonth, fmtTime,
  shortHash, monthInput } from '../util.js';
import { loadSchema, regionName } from '../schema.js';
import { renderImpact, reviewTable } from '../impact.js';

export async function render(main, route) {
  const [a, b, c, d] = route.parts;
  if (a === 'catalogue') return renderCatalogue(main);
  if (!can.county() && !(can.audit() && b === 'runs')) {
    main.appendChild(h('div', { class: 'panel' }, h('h2', null, '县级业务'), h('p', { class: 'error-text', testid: 'forbidden' }, '无权访问：仅县民政局用户可用。')));
    return;
  }
  const schema = await loadSchema();
  if (b === 'runs' && d === 'impact') return renderImpactPage(main, Number(c), route.query.from, schema);
  if (b === 'runs' && d === 'review') return renderReviewPage(main, Number(c), schema);
  if (b === 'standards') return renderStandards(main, schema, route);
  if (b === 'template') return renderTemplate(main);
  return renderRuns(main, schema);
}

// ---------- runs and batches ----------
function runPeriod(r) {
  if (r.period_from) return r.period_to && r.period_to !== r.period_from ? `${r.period_from} – ${r.period_to}` : r.period_from;
  if (r.period) return r.to && r.to !== r.period ? `${r.period} – ${r.to}` : r.period;
  if (r.from_period || r.from) return `${r.from_period || r.from} – ${r.to_period || r.to}`;
  if (Array.isArray(r.months)) return r.months.length > 1 ? `${r.months[0]} – ${r.months[r.months.length - 1]}` : r.months[0] || '';
  return r.months || '';
}
function runsList(data) { return Array.isArray(data) ? data : (data?.runs || []); }

async function renderRuns(main, schema) {
  const panel = h('div', { class: 'panel' }, h('h2', null, '批量认定'));
  main.appendChild(panel);
  // batch form
  const periodField = monthInput({ value: currentMonth(), testid: 'batch-period' });
  const toField = monthInput({ testid: 'batch-to', placeholder: '（同起始月）' });
  const period = periodField.input, to = toField.input;
  const start = h('button', { type: 'button', class: 'btn btn-primary', testid: 'batch-start' }, '开始批量认定');
  const bar = h('div', { class: 'progress-fill' });
  const progress = h('div', { class: 'progress', testid: 'batch-progress', dataset: { state: 'idle' } }, bar);
  const ptext = h('span', { class: 'progress-text', testid: 'batch-state' }, '');
  panel.appendChild(h('div', { class: 'toolbar batch-form' },
    h('label', null, '月份 ', periodField), h('label', null, '至（可选）', toField), start, h('span', { class: 'progress-wrap' }, progress, ptext)));
  panel.appendChild(h('p', { class: 'muted small' }, '对全部家庭按服务器现行规则认定所选月份；进行中可离开本页，完成后在下表出现。批准后该批次的决定成为这些月份的正式决定。'));
  const runsBox = h('div', { testid: 'runs' });
  panel.appendChild(runsBox);

  let timer = null;
  let disposed = false;
  const setProgress = (s) => {
    const total = Number(s.total || 0), done = Number(s.done || 0);
    const pct = total ? Math.min(100, Math.round((done * 100) / total)) : (s.state === 'done' ? 100 : 0);
    bar.style.width = `${pct}%`;
    progress.dataset.state = s.state || 'idle';
    progress.dataset.done = String(done);
    progress.dataset.total = String(total);
    const label = { idle: '空闲', running: '进行中', done: '已完成', failed: '失败' }[s.state] || s.state || '';
    ptext.textContent = s.state === 'idle' ? '' : `${label} ${done} / ${total}（${pct}%）${s.run ? ` · 批次 #${s.run}` : ''}${s.error ? ` · ${s.error}` : ''}`;
    start.disabled = s.state === 'running';
  };
  const poll = async (announce) => {
    if (disposed) return;
    try {
      const { data } = await get('/api/batch');
      setProgress(data);
      if (data.state === 'running') timer = setTimeout(() => poll(true), 500);
      else if (announce) {
        if (data.state === 'done') showInfo(`批量认定完成：批次 #${data.run}，${data.done} 户。`);
        if (data.state === 'failed') showError(`批量认定失败：${data.error || ''}`);
        loadRuns();
      }
    } catch (e) { if (e.status !== 401) reportError(e); }
  };
  start.addEventListener('click', async () => {
    clearError();
    if (!/^\d{4}-\d{2}$/.test(period.value)) { showError('请选择月份'); return; }
    const body = { period: period.value };
    if (to.value) body.to = to.value;
    start.disabled = true;
    try {
      await post('/api/runs', body);
      setProgress({ state: 'running', done: 0, total: 0 });
      timer = setTimeout(() => poll(true), 200);
    } catch (e) {
      start.disabled = false;
      reportError(e, e.code === 'busy' ? '无法开始' : '开始批量认定失败');
    }
  });

  async function loadRuns() {
    let runs;
    try { runs = runsList((await get('/api/runs')).data); } catch (e) { reportError(e); return; }
    clear(runsBox);
    const isBatch = (x) => (x.kind || 'batch') === 'batch';
    const approvedFor = (r) => runs.find((x) => x.id !== r.id && x.approved_at && runPeriod(x) === runPeriod(r) && x.id < r.id);
    const prevOf = (r) => approvedFor(r) || runs.find((x) => x.id < r.id && isBatch(x) && (x.status || 'complete') === 'complete');
    // the decision of record for a month: the newest approved batch covering it
    const ofRecord = new Set();
    const seenPeriods = new Set();
    for (const x of runs) if (x.approved_at && !seenPeriods.has(runPeriod(x))) { seenPeriods.add(runPeriod(x)); ofRecord.add(x.id); }
    runsBox.appendChild(table([
      { title: '批次', cell: (r) => `#${r.id}`, class: 'num' },
      { title: '月份', cell: (r) => runPeriod(r) },
      { title: '类型', cell: (r) => (isBatch(r) ? '批量认定' : h('span', { class: 'muted' }, '调标预览')) },
      { title: '状态', cell: (r) => r.approved_at || r.approved_by
        ? h('span', { class: 'badge d-granted', testid: `run-approved-${r.id}` }, (r.of_record ?? ofRecord.has(r.id)) ? '已批准 · 正式决定' : '已批准（已被更新批次取代）')
        : h('span', { class: 'badge', testid: `run-status-${r.id}` }, ({ running: '进行中', complete: '已完成', interrupted: '已中断' })[r.status] || r.status || '已完成') },
      { title: '户数', cell: (r) => String(r.households ?? r.done ?? r.count ?? ''), class: 'num' },
      { title: '规则集', cell: (r) => h('span', { class: 'mono', title: r.ruleset || '' }, shortHash(r.ruleset)) },
      { title: '完成', cell: (r) => fmtTime(r.finished || r.started || r.started_at) },
      { title: '批准', cell: (r) => r.approved_at ? `${r.approved_by || ''} ${fmtTime(r.approved_at)}` : '' },
      { title: '', cell: (r) => {
        const prev = prevOf(r);
        const box = h('span', { class: 'row-actions' });
        if (prev) box.appendChild(h('a', { href: hashWith(`#/county/runs/${r.id}/impact`, { from: prev.id }), testid: `impact-${r.id}` }, `影响报告（对比 #${prev.id}）`));
        box.appendChild(h('a', { href: `#/county/runs/${r.id}/review`, testid: `review-${r.id}` }, '复核清单'));
        if (!r.approved_at && isBatch(r) && (r.status || 'complete') === 'complete') box.appendChild(approveButton(r, loadRuns));
        return box;
      } },
    ], runs, { testid: 'runs-table', rowTestid: (r) => `run-row-${r.id}`, empty: '尚无批次' }));
  }
  await loadRuns();
  poll(false);
  return () => { disposed = true; clearTimeout(timer); };
}

function approveButton(r, after) {
  const box = h('span', { class: 'approve' });
  const btn = h('button', { type: 'button', class: 'btn btn-small btn-primary', testid: `approve-${r.id}` }, '批准');
  btn.addEventListener('click', () => {
    clear(box);
    box.append(h('span', { class: 'small' }, `批准批次 #${r.id}，其决定成为 ${runPeriod(r)} 的正式决定？`),
      h('button', { type: 'button', class: 'btn btn-small btn-primary', testid: `approve-confirm-${r.id}`, onclick: async (e) => {
        e.target.disabled = true;
        try {
          await post(`/api/runs/${r.id}/approve`, {});
          showInfo(`批次 #${r.id} 已批准。`);
          after();
        } catch (ex) { reportError(ex, '批准失败'); e.target.disabled = false; }
      } }, '确认批准'),
      h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => { clear(box); box.appendChild(btn); } }, '取消'));
  });
  box.appendChild(btn);
  return box;
}

async function renderImpactPage(main, runId, fromId, schema) {
  const panel = h('div', { class: 'panel' });
  main.appendChild(panel);
  let runs = [];
  try { runs = runsList((await get('/api/runs')).data); } catch (e) { /* the select stays empty */ }
  const sel = h('select', { testid: 'impact-from', onchange: (e) => go(hashWith(`#/county/runs/${runId}/impact`, { from: e.target.value })) },
    runs.filter((r) => r.id !== runId).map((r) => h('option', { value: r.id, selected: String(r.id) === String(fromId) }, `#${r.id} ${runPeriod(r)}${r.approved_at ? '（已批准）' : ''}`)));
  panel.appendChild(h('div', { class: 'panel-head' }, h('h2', null, `影响报告：批次 #${runId}`),
    h('div', { class: 'actions' }, h('label', null, '对比批次 ', sel), h('a', { class: 'btn', href: '#/county' }, '返回批次列表'),
      h('button', { type: 'button', class: 'btn', onclick: () => window.print() }, '打印'))));
  if (!fromId) { panel.appendChild(h('p', { class: 'muted' }, '请选择要对比的批次。')); return; }
  const box = h('div', { testid: 'impact-box' }, h('p', { class: 'muted' }, '正在计算影响（对变化的家庭逐户追查原因，可能需要一些时间）……'));
  panel.appendChild(box);
  try {
    const { data } = await get(`/api/runs/${runId}/impact`, { from: fromId });
    clear(box);
    const r = renderImpact(data, { schema, runId, fromId });
    box.appendChild(r.element);
    return r.dispose;
  } catch (e) { clear(box); reportError(e, '影响报告'); }
}

async function renderReviewPage(main, runId, schema) {
  const panel = h('div', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h2', null, `复核清单：批次 #${runId}`),
    h('div', { class: 'actions' }, h('a', { class: 'btn', href: '#/county' }, '返回批次列表'))));
  main.appendChild(panel);
  try {
    const { data } = await get(`/api/runs/${runId}/review`);
    const list = Array.isArray(data) ? data : (data.review || data.cases || []);
    panel.appendChild(h('p', { class: 'muted small' }, `共 ${list.length} 项。⚑ 需复核：决定按原样作出，但应由经办人核查；⏳ 暂定：用了超过更新期限的标准取值。`));
    panel.appendChild(reviewTable(list, schema, 'review-table'));
  } catch (e) { reportError(e, '复核清单'); }
}

// ---------- standards and amendments ----------
function todayText() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
function addMonths(date, n) {
  const [y, m, d] = date.split('-').map(Number);
  const t = (y * 12 + (m - 1)) + n;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
function standardsList(data) {
  const list = Array.isArray(data) ? data : (data?.standards || []);
  return list.map((s) => ({ ...s, name: s.name || s.standard || s.id }));
}
/** Flat rows [{region, region_name, key, key_label, from, until, value, citation, assumed_date, in_force, stale}]. */
function valuesOf(s) {
  const out = [];
  const today = todayText();
  const rows = s.rows || s.values || s.timeline || [];
  let anyStale = false;
  for (const r of rows) {
    const vals = Array.isArray(r.values) ? r.values : [r];
    let current = -1;
    vals.forEach((v, i) => { if (v.from <= today && (!v.until || v.until > today)) current = i; });
    vals.forEach((v, i) => {
      const row = { region: r.region, region_name: r.region_name, key: r.key, key_label: r.key_label, ...v, in_force: i === current };
      if (row.stale === undefined) {
        row.stale = i === current && row.value !== null && row.value !== undefined && s.renewal_months > 0
          && addMonths(row.from, s.renewal_months) <= today;
      }
      if (row.stale) anyStale = true;
      out.push(row);
    });
  }
  if (s.stale === undefined) s.stale = anyStale;
  return out;
}

async function renderStandards(main, schema, route) {
  const panel = h('div', { class: 'panel' }, h('h2', null, '标准与调整'));
  main.appendChild(panel);
  const amendBox = h('div', { class: 'card amend-card', testid: 'amend-box' });
  const amendList = h('div', { testid: 'amendments' });
  const stdBox = h('div', { testid: 'standards' }, h('p', { class: 'muted' }, '正在载入……'));
  panel.append(h('h3', null, '录入新的标准取值'), amendBox, h('h3', null, '已录入的调整'), amendList, h('h3', null, '现行标准'),
    h('div', { class: 'toolbar' }, h('label', null, h('input', { type: 'checkbox', testid: 'stale-only', onchange: (e) => { staleOnly = e.target.checked; drawStandards(); } }), ' 只看已过更新期（暂定）或待录入的')), stdBox);
  let standards = [];
  let staleOnly = false;
  const loadStandards = async () => {
    try { standards = standardsList((await get('/api/standards')).data); } catch (e) { reportError(e, '标准'); }
  };
  await loadStandards();
  // after an amendment is entered or adopted: the list of amendments and the standards in force
  const reload = async () => { await loadAmendments(amendList, schema, standards); await loadStandards(); drawStandards(); };
  function drawStandards() {
    clear(stdBox);
    for (const s of standards) {
      let vals = valuesOf(s);
      if (staleOnly) vals = vals.filter((v) => v.stale || v.unsourced || v.value === null || v.value === undefined);
      if (staleOnly && !vals.length && !s.stale) continue;
      stdBox.appendChild(h('div', { class: 'std', testid: `standard-${s.name}` },
        h('h4', null, s.label || s.name, h('span', { class: 'code' }, ` ${s.name}`),
          s.per ? h('span', { class: 'muted small' }, ` · ${({ month: '每月', year: '每年' })[s.per] || s.per}`) : null,
          s.renewal_months ? h('span', { class: 'muted small' }, ` · ${s.renewal_months === 12 ? '每年更新' : `每 ${s.renewal_months} 个月更新`}`) : null,
          s.stale ? h('span', { class: 'badge b-prov' }, '⏳ 有取值已过更新期') : null),
        table([
          { title: '区划', cell: (v) => `${v.region_name || regionName(schema, v.region) || ''} ${v.region === 'all' ? '' : v.region ?? ''}` },
          { title: '类别', cell: (v) => v.key_label || v.key || '' },
          { title: '生效', cell: (v) => h('span', null, `${v.from || ''}${v.until ? ' 至 ' + v.until : ' 起'}`,
            v.assumed_date ? h('span', { class: 'muted' }, '（推定日期）') : null, v.in_force ? h('span', { class: 'badge' }, '现行') : null) },
          { title: '取值', cell: (v) => v.value === null || v.value === undefined
            ? h('span', { class: 'badge d-undet' }, '未找到来源，待录入') : String(v.value).replace(' per year', ' 每年').replace(' per month', ' 每月') },
          { title: '来源', cell: (v) => v.citation || v.cite || '' },
          { title: '', cell: (v) => h('span', null, v.stale ? h('span', { class: 'badge b-prov', testid: 'stale' }, '⏳ 暂定') : null,
            h('button', { type: 'button', class: 'btn btn-small', testid: `amend-${s.name}-${v.region}-${v.key || ''}`,
              onclick: () => { drawAmendForm(amendBox, standards, schema, { standard: s.name, region: v.region, key: v.key }, reload); amendBox.scrollIntoView({ block: 'center' }); } }, '录入新取值')), class: 'nowrap' },
        ], vals, { class: 'grid compact' })));
    }
  }
  drawAmendForm(amendBox, standards, schema, {}, reload);
  drawStandards();
  await loadAmendments(amendList, schema, standards);
}

function drawAmendForm(box, standards, schema, pre, reload) {
  clear(box);
  const std = h('select', { testid: 'amend-standard' }, h('option', { value: '' }, '请选择标准'),
    standards.map((s) => h('option', { value: s.name, selected: s.name === pre.standard }, `${s.label || s.name} (${s.name})`)));
  const regions = schema.regions;
  const region = h('select', { testid: 'amend-region' }, regions.map((r) => h('option', { value: r.code, selected: r.code === String(pre.region ?? '') },
    `${r.code.length > 6 ? '　' : ''}${r.name} ${r.code}`)));
  if (pre.region && !regions.some((r) => r.code === String(pre.region))) region.appendChild(h('option', { value: pre.region, selected: true }, String(pre.region)));
  const key = h('select', { testid: 'amend-key' });
  const unit = h('span', { class: 'muted small', testid: 'amend-unit' });
  const fillKeys = () => {
    const s = standards.find((x) => x.name === std.value);
    clear(key);
    const vals = s && s.key_enum ? (schema.enums[s.key_enum]?.values || []) : [];
    if (!vals.length) key.appendChild(h('option', { value: '' }, '（不分类别）'));
    for (const v of vals) key.appendChild(h('option', { value: v.name, selected: v.name === pre.key }, `${v.label || v.name} (${v.name})`));
    key.disabled = !vals.length;
    unit.textContent = s ? `单位：元${s.per === 'month' ? '/月' : s.per === 'year' ? '/年' : ''}` : '';
  };
  std.addEventListener('change', fillKeys);
  fillKeys();
  const from = h('input', { type: 'text', testid: 'amend-from', placeholder: 'YYYY-MM-DD', value: `${new Date().getFullYear()}-01-01` });
  const value = h('input', { type: 'text', testid: 'amend-value', placeholder: '按标准的单位填写，如 500' });
  const cite = h('input', { type: 'text', testid: 'amend-cite', placeholder: '文件名称、文号、日期', class: 'wide' });
  const go1 = h('button', { type: 'button', class: 'btn btn-primary', testid: 'amend-preview' }, '预览影响');
  const out = h('div', { testid: 'amend-result' });
  box.append(h('div', { class: 'field-grid' },
    h('div', { class: 'field' }, h('label', null, '标准'), std),
    h('div', { class: 'field' }, h('label', null, '区划'), region),
    h('div', { class: 'field' }, h('label', null, '类别'), key),
    h('div', { class: 'field' }, h('label', null, '生效日期'), from),
    h('div', { class: 'field' }, h('label', null, '取值 ', unit), value),
    h('div', { class: 'field field-wide' }, h('label', null, '来源（必填）'), cite)),
  h('div', { class: 'toolbar' }, go1, h('span', { class: 'muted small' }, '预览：按新取值对同月最近一次已批准的批次重新认定并比较，不改变现行规则；采纳后才生效。')), out);
  go1.addEventListener('click', async () => {
    clearError();
    if (!std.value || !from.value || !value.value || !cite.value.trim()) { showError('请填写标准、生效日期、取值和来源。'); return; }
    const body = { standard: std.value, region: region.value, from: from.value, value: value.value.trim(), cite: cite.value.trim() };
    if (key.value) body.key = key.value;
    go1.disabled = true;
    clear(out);
    out.appendChild(h('p', { class: 'muted' }, '正在预览（对全部家庭试算）……'));
    try {
      const { data } = await post('/api/amendments', body);
      clear(out);
      showAmendment(out, data, schema, reload);
      reload();
    } catch (e) { clear(out); reportError(e, '预览失败'); } finally { go1.disabled = false; }
  });
}

function showAmendment(out, data, schema, reload) {
  const am = data.amendment || data;
  const id = am.id ?? data.id;
  out.appendChild(h('div', { class: 'callout', testid: 'amend-preview-result' },
    h('strong', null, `调整草稿 #${id}`), ` · ${am.status === 'adopted' ? '已采纳' : '草稿（未生效）'}`,
    data.preview_run ? ` · 预览批次 #${data.preview_run} 对比 #${data.base_run}` : '',
    am.source ? h('details', null, h('summary', null, '生成的规则文本'), h('pre', null, am.source)) : null,
    h('button', { type: 'button', class: 'btn btn-primary btn-small', testid: 'amend-adopt', onclick: async (e) => {
      e.target.disabled = true;
      try {
        await post(`/api/amendments/${id}/adopt`, {});
        showInfo(`调整 #${id} 已采纳：此后的认定使用新取值。`);
        reload();
        e.target.replaceWith(h('span', { class: 'badge d-granted', testid: 'amend-adopted' }, '已采纳'));
      } catch (ex) { e.target.disabled = false; reportError(ex, '采纳失败'); }
    } }, '采纳')));
  const impact = data.impact || data.preview || data.report;
  if (impact && typeof impact === 'object') out.appendChild(renderImpact(impact, { schema }).element);
  else if (data.preview_run && data.base_run) {
    out.appendChild(h('a', { href: hashWith(`#/county/runs/${data.preview_run}/impact`, { from: data.base_run }) }, '查看影响报告'));
  }
}

async function loadAmendments(box, schema, standards = []) {
  try {
    const { data } = await get('/api/amendments');
    const list = Array.isArray(data) ? data : (data.amendments || []);
    clear(box);
    box.appendChild(table([
      { title: '编号', cell: (a) => `#${a.id}`, class: 'num' },
      { title: '标准', cell: (a) => a.label || standards.find((x) => x.name === a.standard)?.label || a.standard },
      { title: '区划', cell: (a) => `${regionName(schema, a.region) || ''} ${a.region}${a.key ? ' ' + a.key : ''}` },
      { title: '自', cell: (a) => a.from },
      { title: '取值', cell: (a) => String(a.value) },
      { title: '来源', cell: (a) => a.cite || '' },
      { title: '状态', cell: (a) => a.status === 'adopted' ? h('span', { class: 'badge d-granted' }, '已采纳') : h('span', { class: 'badge' }, '草稿') },
      { title: '录入', cell: (a) => `${a.entered_by || a.created_by || ''} ${fmtTime(a.entered_at || a.created_at)}` },
      { title: '采纳', cell: (a) => a.adopted_at ? `${a.adopted_by || ''} ${fmtTime(a.adopted_at)}` : '' },
      { title: '', cell: (a) => h('span', { class: 'row-actions' },
        a.preview_run && (a.base_run || a.from_run) ? h('a', { href: hashWith(`#/county/runs/${a.preview_run}/impact`, { from: a.base_run || a.from_run }), testid: `amend-impact-${a.id}` }, '影响报告') : null,
        a.status !== 'adopted' && can.county() ? h('button', { type: 'button', class: 'btn btn-small', testid: `adopt-${a.id}`, onclick: async (e) => {
          e.target.disabled = true;
          try { await post(`/api/amendments/${a.id}/adopt`, {}); showInfo(`调整 #${a.id} 已采纳。`); loadAmendments(box, schema, standards); } catch (ex) { e.target.disabled = false; reportError(ex, '采纳失败'); }
        } }, '采纳') : null) },
    ], list, { testid: 'amendments-table', empty: '尚无调整' }));
  } catch (e) { if (e.status !== 403) reportError(e, '调整列表'); }
}

// ---------- notice template ----------
async function renderTemplate(main) {
  const panel = h('div', { class: 'panel' }, h('h2', null, '告知书模板'),
    h('p', { class: 'muted small' }, '审核确认告知书中关于复核、申诉的说明文字（全县通用）。保存后，此后打开的告知书使用新文字。'));
  main.appendChild(panel);
  const ta = h('textarea', { rows: 14, class: 'template-text', testid: 'template-text' });
  const save = h('button', { type: 'button', class: 'btn btn-primary', testid: 'template-save' }, '保存模板');
  panel.append(ta, h('div', { class: 'toolbar' }, save));
  try {
    const { data } = await get('/api/notice-template');
    ta.value = typeof data === 'string' ? data : (data.text ?? '');
  } catch (e) { reportError(e, '模板'); }
  save.addEventListener('click', async () => {
    save.disabled = true;
    try { await put('/api/notice-template', { text: ta.value }); showInfo('模板已保存。'); } catch (e) { reportError(e, '保存失败'); } finally { save.disabled = false; }
  });
}

// ---------- catalogue ----------
function renderCatalogue(main) {
  main.appendChild(h('div', { class: 'panel panel-fill' },
    h('div', { class: 'panel-head' }, h('h2', null, '规则目录'),
      h('div', { class: 'actions' }, h('a', { class: 'btn', href: '/api/catalogue', target: '_blank', rel: 'noopener', testid: 'catalogue-newtab' }, '在新标签页打开'))),
    h('iframe', { src: '/api/catalogue', class: 'catalogue-frame', title: '规则目录', testid: 'catalogue-frame' })));
}

