// County office: runs and batches (live progress), approving a run, the impact report of a run against another,
// the review list, standards and amendments (enter a value → its impact preview runs as the server's background
// job, with progress → the impact → adopt), the notice template, and the rule catalogue.
// Routes: #/county · #/county/runs/{id}/impact?from= · #/county/runs/{id}/review · #/county/standards?amendment= ·
//         #/county/template · #/catalogue
import { get, post, put, can } from '../api.js';
import { h, clear, go, hashWith, table, reportError, showError, showInfo, clearError, currentMonth, fmtTime,
  shortHash, monthInput } from '../util.js';
import { loadSchema, regionName, enumLabel } from '../schema.js';
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
  return renderRuns(main);
}

// ---------- the background job (a batch or an amendment's impact preview) ----------
const JOB_STATE = { idle: '空闲', running: '进行中', done: '已完成', stopped: '已中止', failed: '失败' };
function jobName(s) {
  if (s.kind === 'preview') return `调标预览（调整 #${s.amendment}）`;
  return `批量认定 ${s.period || ''}${s.to && s.to !== s.period ? ` – ${s.to}` : ''}`;
}

/** A progress bar for GET /api/batch: {element, set(status)}. The bar carries data-state, data-done, data-total. */
function progressBar(testid, textTestid, withName = true) {
  const fill = h('div', { class: 'progress-fill' });
  const bar = h('div', { class: 'progress', testid, dataset: { state: 'idle' } }, fill);
  const text = h('span', { class: 'progress-text', testid: textTestid });
  const set = (s) => {
    const total = Number(s.total || 0), done = Number(s.done || 0);
    const pct = total ? Math.min(100, Math.round((done * 100) / total)) : (s.state === 'done' ? 100 : 0);
    fill.style.width = `${pct}%`;
    bar.dataset.state = s.state || 'idle';
    bar.dataset.done = String(done);
    bar.dataset.total = String(total);
    text.textContent = s.state === 'idle' || !s.state ? ''
      : `${withName && s.kind ? jobName(s) + ' · ' : ''}${JOB_STATE[s.state] || s.state} ${done} / ${total} 户（${pct}%）`
        + `${s.run && s.kind !== 'preview' ? ` · 批次 #${s.run}` : ''}${s.error ? ` · ${s.error}` : ''}`;
  };
  return { element: h('span', { class: 'progress-wrap' }, bar, text), set };
}

// ---------- runs and batches ----------
function runPeriod(r) {
  return r.period_to && r.period_to !== r.period_from ? `${r.period_from} – ${r.period_to}` : r.period_from;
}
const isBatch = (r) => r.kind === 'batch';

async function renderRuns(main) {
  const panel = h('div', { class: 'panel' }, h('h2', null, '批量认定'));
  main.appendChild(panel);
  const periodField = monthInput({ value: currentMonth(), testid: 'batch-period' });
  const toField = monthInput({ testid: 'batch-to', placeholder: '（同起始月）' });
  const period = periodField.input, to = toField.input;
  const start = h('button', { type: 'button', class: 'btn btn-primary', testid: 'batch-start' }, '开始批量认定');
  const progress = progressBar('batch-progress', 'batch-state');
  panel.appendChild(h('div', { class: 'toolbar batch-form' },
    h('label', null, '月份 ', periodField), h('label', null, '至（可选）', toField), start, progress.element));
  panel.appendChild(h('p', { class: 'muted small' }, '对全部家庭按服务器现行规则认定所选月份，在服务器后台进行（同一时间只进行一项：批量认定或调标预览）；'
    + '进行中可离开本页，完成后在下表出现。批准后该批次的决定成为这些月份的正式决定。'));
  let showPreviews = false;
  const runsBox = h('div', { testid: 'runs' });
  panel.append(h('div', { class: 'toolbar' }, h('label', null,
    h('input', { type: 'checkbox', testid: 'show-previews', onchange: (e) => { showPreviews = e.target.checked; loadRuns(); } }),
    ' 同时列出调标预览批次（标准调整的影响预览，不能批准）')), runsBox);

  let timer = null;
  let disposed = false;
  const poll = async (announce) => {
    if (disposed) return;
    try {
      const { data } = await get('/api/batch');
      if (disposed) return;
      progress.set(data);
      start.disabled = data.state === 'running';
      if (data.state === 'running') timer = setTimeout(() => poll(true), 500);
      else if (announce) {
        if (data.state === 'done') showInfo(data.kind === 'preview' ? `调标预览完成（调整 #${data.amendment}）。` : `批量认定完成：批次 #${data.run}，${data.done} 户。`);
        if (data.state === 'failed') showError(`${jobName(data)}失败：${data.error || ''}`);
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
      progress.set({ state: 'running', kind: 'batch', period: body.period, to: body.to || body.period, done: 0, total: 0 });
      timer = setTimeout(() => poll(true), 200);
    } catch (e) {
      start.disabled = false;
      reportError(e, e.code === 'busy' ? '无法开始' : '开始批量认定失败');
    }
  });

  async function loadRuns() {
    let runs;
    try { runs = (await get('/api/runs')).data; } catch (e) { reportError(e); return; }
    if (disposed) return;
    clear(runsBox);
    // an impact report needs an earlier run to compare with; the server picks it (the month's decision of record,
    // else the batch before)
    const hasEarlier = (r) => runs.some((x) => x.id < r.id && (isBatch(x) || x.approved_at));
    const shown = showPreviews ? runs : runs.filter(isBatch);
    runsBox.appendChild(table([
      { title: '批次', cell: (r) => `#${r.id}`, class: 'num' },
      { title: '月份', cell: (r) => runPeriod(r) },
      { title: '类型', cell: (r) => (isBatch(r) ? '批量认定' : h('span', { class: 'badge b-draft', testid: `run-preview-${r.id}` }, '预览')) },
      { title: '状态', cell: (r) => r.approved_at
        ? h('span', { class: 'badge d-granted', testid: `run-approved-${r.id}` }, r.of_record ? '已批准 · 正式决定' : '已批准（已被更新批次取代）')
        : h('span', { class: 'badge', testid: `run-status-${r.id}` }, r.status === 'complete' ? '已完成' : '未完成') },
      { title: '户数', cell: (r) => String(r.households), class: 'num' },
      { title: '规则集', cell: (r) => h('span', { class: 'mono', title: r.ruleset }, shortHash(r.ruleset)) },
      { title: '完成', cell: (r) => fmtTime(r.finished || r.started) },
      { title: '批准', cell: (r) => r.approved_at ? `${r.approved_by} ${fmtTime(r.approved_at)}` : '' },
      { title: '', cell: (r) => {
        const box = h('span', { class: 'row-actions' });
        if (hasEarlier(r)) box.appendChild(h('a', { href: `#/county/runs/${r.id}/impact`, testid: `impact-${r.id}` }, '影响报告'));
        box.appendChild(h('a', { href: `#/county/runs/${r.id}/review`, testid: `review-${r.id}` }, '复核清单'));
        if (!r.approved_at && isBatch(r) && r.status === 'complete' && can.county()) box.appendChild(approveButton(r, loadRuns));
        return box;
      } },
    ], shown, { testid: 'runs-table', rowTestid: (r) => `run-row-${r.id}`, empty: '尚无批次' }));
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
  try { runs = (await get('/api/runs')).data; } catch (e) { /* the select stays empty */ }
  const sel = h('select', { testid: 'impact-from', onchange: (e) => go(hashWith(`#/county/runs/${runId}/impact`, { from: e.target.value })) },
    runs.filter((r) => r.id < runId).map((r) => h('option', { value: r.id, selected: String(r.id) === String(fromId) },
      `#${r.id} ${runPeriod(r)}${isBatch(r) ? '' : ' 预览'}${r.of_record ? '（正式决定）' : r.approved_at ? '（已批准）' : ''}`)));
  panel.appendChild(h('div', { class: 'panel-head' }, h('h2', null, `影响报告：批次 #${runId}`),
    h('div', { class: 'actions' }, h('label', null, '对比批次 ', sel), h('a', { class: 'btn', href: '#/county' }, '返回批次列表'),
      h('button', { type: 'button', class: 'btn', onclick: () => window.print() }, '打印'))));
  const box = h('div', { testid: 'impact-box' }, h('p', { class: 'muted' }, '正在计算影响（对变化的家庭逐户追查原因，可能需要一些时间）……'));
  panel.appendChild(box);
  try {
    // without `from` the server compares with the month's decision of record, else the batch before
    const { data } = await get(`/api/runs/${runId}/impact`, { from: fromId });
    sel.value = String(data.from_run);
    clear(box);
    const r = renderImpact(data, { schema });
    box.appendChild(r.element);
    return r.dispose;
  } catch (e) { clear(box); reportError(e, '影响报告'); }
}

async function renderReviewPage(main, runId, schema) {
  const title = h('h2', { testid: 'review-title' }, `复核清单：批次 #${runId}`);
  const panel = h('div', { class: 'panel' }, h('div', { class: 'panel-head' }, title,
    h('div', { class: 'actions' }, h('a', { class: 'btn', href: '#/county' }, '返回批次列表'),
      h('button', { type: 'button', class: 'btn', onclick: () => window.print() }, '打印'))));
  main.appendChild(panel);
  try {
    const [{ data }, { data: runs }] = await Promise.all([get(`/api/runs/${runId}/review`), get('/api/runs')]);
    const run = runs.find((r) => r.id === runId);
    if (run && !isBatch(run)) title.append(h('span', { class: 'badge b-draft' }, '调标预览：按尚未采用的标准试算，不是正式决定'));
    else if (run && run.of_record) title.append(h('span', { class: 'badge d-granted' }, '正式决定'));
    panel.appendChild(h('p', { class: 'muted small', testid: 'review-summary' },
      `${data.period}：⚑ 需复核 ${data.review.length} 项——决定按规则作出，但应由经办人核查（如在保案件按原认定方式调整后整户已可享受）；`
      + `⏳ 暂定 ${data.provisional_total} 项——用了超过更新期限的标准取值，待录入或确认当期标准。点户编号打开该户的认定历史。`));
    panel.appendChild(h('h3', null, `⚑ 需复核（${data.review.length}）`));
    panel.appendChild(reviewTable(data.review, schema, 'review-table'));
    panel.appendChild(h('details', { class: 'more', testid: 'provisional-box' },
      h('summary', null, `⏳ 暂定的决定（${data.provisional_total}${data.provisional.length < data.provisional_total ? `，列出前 ${data.provisional.length} 项` : ''}）`),
      reviewTable(data.provisional, schema, 'provisional-table')));
  } catch (e) { reportError(e, '复核清单'); }
}

// ---------- standards and amendments ----------
const PER_UNIT = { month: '元/月', year: '元/年' };
/** A value as /api/standards gives it ("5280 per year", "500") in words, with its unit. */
function valueText(value, std) {
  if (value === null || value === undefined) return null;
  const m = /^(.*) per (year|month)$/.exec(String(value));
  if (m) return `${m[1]} ${PER_UNIT[m[2]]}`;
  return PER_UNIT[std?.per] ? `${value} ${PER_UNIT[std.per]}` : String(value);
}
function keyText(schema, std, key) {
  return key && std?.key_enum ? enumLabel(schema, std.key_enum, key) : (key || '');
}
function regionText(schema, code) {
  return code === 'all' ? '全部地区' : `${regionName(schema, code) || ''} ${code}`;
}

async function renderStandards(main, schema, route) {
  const shownId = route.query.amendment ? Number(route.query.amendment) : null;
  const panel = h('div', { class: 'panel' }, h('h2', null, '标准与调整'));
  main.appendChild(panel);
  const amendBox = h('div', { class: 'card amend-card', testid: 'amend-box' });
  const viewBox = h('div', { class: 'amend-view', testid: 'amend-view' });
  const amendList = h('div', { testid: 'amendments' });
  const stdBox = h('div', { testid: 'standards' }, h('p', { class: 'muted' }, '正在载入……'));
  let standards = [];
  let staleOnly = false;
  // the amendment shown (?amendment=ID) comes first: after entering one, its preview's progress, then its impact
  panel.append(viewBox, h('h3', null, shownId ? '录入另一项标准取值' : '录入新的标准取值'), amendBox, h('h3', null, '已录入的调整'), amendList, h('h3', null, '现行标准'),
    h('div', { class: 'toolbar' }, h('label', null, h('input', { type: 'checkbox', testid: 'stale-only', onchange: (e) => { staleOnly = e.target.checked; drawStandards(); } }),
      ' 只看已过更新期（暂定）或待录入的')), stdBox);
  const loadStandards = async () => {
    try { standards = (await get('/api/standards')).data; } catch (e) { reportError(e, '标准'); }
  };
  const stdOf = (name) => standards.find((s) => s.standard === name);
  await loadStandards();

  function drawStandards() {
    clear(stdBox);
    for (const s of standards) {
      const rows = s.rows.flatMap((r) => r.values.map((v) => ({ ...v, region: r.region, region_name: r.region_name, key: r.key, key_label: r.key_label })));
      const anyStale = rows.some((v) => v.stale_today);
      const shown = staleOnly ? rows.filter((v) => v.stale_today || v.value === null) : rows;
      if (staleOnly && !shown.length) continue;
      stdBox.appendChild(h('div', { class: 'std', testid: `standard-${s.standard}` },
        h('h4', null, s.label, h('span', { class: 'code' }, ` ${s.standard}`),
          PER_UNIT[s.per] ? h('span', { class: 'muted small' }, ` · ${PER_UNIT[s.per]}`) : null,
          s.renewal_months ? h('span', { class: 'muted small' }, ` · ${s.renewal_months === 12 ? '每年更新' : `每 ${s.renewal_months} 个月更新`}`) : null,
          anyStale ? h('span', { class: 'badge b-prov' }, '⏳ 现行取值已过更新期') : null),
        table([
          { title: '区划', cell: (v) => v.region === 'all' ? v.region_name : `${v.region_name} ${v.region}` },
          { title: '类别', cell: (v) => v.key_label || v.key },
          { title: '生效', cell: (v) => h('span', null, `${v.from}${v.until ? ' 至 ' + v.until : ' 起'}`,
            v.assumed_date ? h('span', { class: 'muted' }, '（推定日期）') : null,
            v.in_force_today ? h('span', { class: 'badge', testid: 'in-force' }, '现行') : null) },
          { title: '取值', cell: (v) => v.value === null ? h('span', { class: 'badge d-undet' }, '未找到来源，待录入') : valueText(v.value, s) },
          { title: '来源', cell: (v) => v.citation },
          { title: '', cell: (v) => h('span', null, v.stale_today ? h('span', { class: 'badge b-prov', testid: 'stale' }, '⏳ 暂定') : null,
            h('button', { type: 'button', class: 'btn btn-small', testid: `amend-${s.standard}-${v.region}-${v.key}`,
              onclick: () => { drawForm({ standard: s.standard, region: v.region, key: v.key }); amendBox.scrollIntoView({ block: 'center' }); } }, '录入新取值')),
          class: 'nowrap' },
        ], shown, { class: 'grid compact', rowTestid: (v) => `std-value-${s.standard}-${v.region}-${v.key || '-'}-${v.from}` })));
    }
  }
  const drawForm = (pre) => drawAmendForm(amendBox, standards, schema, pre,
    (created) => go(hashWith('#/county/standards', { amendment: created.id })));
  // after an amendment is adopted: the list of amendments and the standards in force
  const refresh = async () => { await loadStandards(); drawStandards(); await loadAmendments(amendList, schema, stdOf, shownId); };
  drawForm({});
  drawStandards();
  await loadAmendments(amendList, schema, stdOf, shownId);
  if (!shownId) return undefined;
  const view = amendmentView(viewBox, shownId, { schema, stdOf, refresh, onState: () => loadAmendments(amendList, schema, stdOf, shownId),
    refill: (pre) => { drawForm(pre); amendBox.scrollIntoView({ block: 'center' }); } });
  window.scrollTo(0, 0);
  return view.dispose;
}

function drawAmendForm(box, standards, schema, pre, created) {
  clear(box);
  const std = h('select', { testid: 'amend-standard' }, h('option', { value: '' }, '请选择标准'),
    standards.map((s) => h('option', { value: s.standard, selected: s.standard === pre.standard }, `${s.label} (${s.standard})`)));
  const region = h('select', { testid: 'amend-region' }, schema.regions.map((r) => h('option', { value: r.code, selected: r.code === String(pre.region ?? '') },
    `${r.code.length > 6 ? '　' : ''}${r.name} ${r.code}`)));
  if (pre.region && !schema.regions.some((r) => r.code === String(pre.region))) region.appendChild(h('option', { value: pre.region, selected: true }, String(pre.region)));
  const key = h('select', { testid: 'amend-key' });
  const unit = h('span', { class: 'muted small', testid: 'amend-unit' });
  const fillKeys = () => {
    const s = standards.find((x) => x.standard === std.value);
    clear(key);
    const vals = s && s.key_enum ? (schema.enums[s.key_enum]?.values || []) : [];
    if (!vals.length) key.appendChild(h('option', { value: '' }, '（不分类别）'));
    for (const v of vals) key.appendChild(h('option', { value: v.name, selected: v.name === pre.key }, `${v.label || v.name} (${v.name})`));
    key.disabled = !vals.length;
    unit.textContent = s && PER_UNIT[s.per] ? `单位：${PER_UNIT[s.per]}` : '';
  };
  std.addEventListener('change', fillKeys);
  fillKeys();
  const from = h('input', { type: 'text', testid: 'amend-from', placeholder: 'YYYY-MM-DD', value: pre.from || `${new Date().getFullYear()}-01-01` });
  const value = h('input', { type: 'text', testid: 'amend-value', placeholder: '按标准的单位填写，如 500', value: pre.value || '' });
  const cite = h('input', { type: 'text', testid: 'amend-cite', placeholder: '文件名称、文号、日期', class: 'wide', value: pre.cite || '' });
  const periodField = monthInput({ testid: 'amend-period', placeholder: '生效当月' });
  const submit = h('button', { type: 'button', class: 'btn btn-primary', testid: 'amend-preview' }, '录入并预览影响');
  box.append(h('div', { class: 'field-grid' },
    h('div', { class: 'field' }, h('label', null, '标准'), std),
    h('div', { class: 'field' }, h('label', null, '区划'), region),
    h('div', { class: 'field' }, h('label', null, '类别'), key),
    h('div', { class: 'field' }, h('label', null, '生效日期'), from),
    h('div', { class: 'field' }, h('label', null, '取值 ', unit), value),
    h('div', { class: 'field' }, h('label', null, '预览月份（可选）'), periodField),
    h('div', { class: 'field field-wide' }, h('label', null, '来源（必填，将写入每项决定的说明）'), cite)),
  h('div', { class: 'toolbar' }, submit, h('span', { class: 'muted small' },
    '录入后保存为草稿，并在服务器后台预览影响：按新取值对全部家庭认定生效当月（或所选月份），与该月的正式决定比较（尚无正式决定时与现行规则比较）。'
    + '预览期间不能开始批量认定。草稿不改变现行规则，“采用”后才生效。')));
  submit.addEventListener('click', async () => {
    clearError();
    if (!std.value || !from.value || !value.value.trim() || !cite.value.trim()) { showError('请填写标准、生效日期、取值和来源。'); return; }
    const body = { standard: std.value, region: region.value, from: from.value.trim(), value: value.value.trim(), cite: cite.value.trim() };
    if (key.value) body.key = key.value;
    if (periodField.input.value) body.period = periodField.input.value;
    submit.disabled = true;
    try {
      const { data } = await post('/api/amendments', body);
      showInfo(`调整 #${data.id} 已录入为草稿，正在预览影响。`);
      created(data);
    } catch (e) {
      reportError(e, e.code === 'busy' ? '现在不能预览' : '录入失败');
      submit.disabled = false;
    }
  });
}

function amendmentStatus(a, preview, testid = `amend-status-${a.id}`) {
  if (a.status === 'adopted') return h('span', { class: 'badge d-granted', testid }, '已采用');
  if (preview === 'running') return h('span', { class: 'badge', testid }, '草稿 · 正在预览');
  if (preview === 'done') return h('span', { class: 'badge', testid }, '草稿 · 已预览，待采用');
  return h('span', { class: 'badge b-prov', testid }, '草稿 · 预览未完成');
}

/** One amendment: its values, the preview's progress while it runs, then its impact and the 采用 button. */
function amendmentView(box, id, ctx) {
  let timer = null, disposed = false, impact = null;
  const progress = progressBar('amend-progress', 'amend-progress-text', false);
  const stop = () => { clearTimeout(timer); if (impact) { impact.dispose(); impact = null; } };

  const load = async () => {
    if (disposed) return;
    let a;
    try { a = (await get(`/api/amendments/${id}`)).data; } catch (e) { clear(box); reportError(e, `调整 #${id}`); return; }
    if (disposed) return;
    draw(a);
    // the list of amendments below was drawn before: say there what this one came to
    if (a.preview === 'running') timer = setTimeout(pollJob, 300); else ctx.onState();
  };
  // while the preview runs: its progress from GET /api/batch; when it ends, the amendment says how
  const pollJob = async () => {
    if (disposed) return;
    try {
      const { data: s } = await get('/api/batch');
      if (disposed) return;
      if (s.kind === 'preview' && s.amendment === id && s.state === 'running') {
        progress.set(s);
        timer = setTimeout(pollJob, 500);
        return;
      }
    } catch (e) { if (e.status !== 401) reportError(e); return; }
    load();
  };

  function draw(a) {
    stop();
    clear(box);
    const std = ctx.stdOf(a.standard);
    box.dataset.preview = a.preview;
    box.dataset.status = a.status;
    const statusBox = h('span', null, amendmentStatus(a, a.preview, 'amend-view-status'));
    box.appendChild(h('div', { class: 'amend-head' }, h('h4', null, `调整 #${a.id}：${std?.label || a.standard}`, statusBox),
      h('a', { class: 'btn btn-small btn-ghost', href: '#/county/standards', testid: 'amend-close' }, '关闭')));
    box.appendChild(h('dl', { class: 'facts-list', testid: 'amend-facts' },
      h('dt', null, '标准'), h('dd', null, `${std?.label || ''} `, h('span', { class: 'code' }, a.standard)),
      h('dt', null, '区划与类别'), h('dd', null, `${regionText(ctx.schema, a.region)}${a.key ? ' · ' + keyText(ctx.schema, std, a.key) : ''}`),
      h('dt', null, '新取值'), h('dd', { testid: 'amend-value-text' }, `自 ${a.from} 起 ${valueText(a.value, std)}`),
      h('dt', null, '来源'), h('dd', null, a.cite),
      h('dt', null, '录入'), h('dd', null, `${a.entered_by} ${fmtTime(a.entered_at)}`),
      a.adopted_at ? h('dt', null, '采用') : null, a.adopted_at ? h('dd', null, `${a.adopted_by} ${fmtTime(a.adopted_at)}`) : null));
    if (a.preview === 'running') {
      progress.set({ state: 'running', done: 0, total: 0 });
      box.appendChild(h('div', { class: 'callout', testid: 'amend-running' },
        h('div', null, h('strong', null, '正在预览影响：'), '服务器按新取值对全部家庭重新认定，再与对比批次逐户比较。可以离开本页，稍后在“已录入的调整”中打开本调整查看结果。'),
        h('div', { class: 'toolbar' }, progress.element)));
      return;
    }
    if (a.preview === 'failed') {
      box.appendChild(h('div', { class: 'callout callout-error', testid: 'amend-preview-failed' },
        h('strong', null, '影响预览未完成：'), a.preview_error,
        a.status === 'draft' && can.county() ? h('div', { class: 'toolbar' }, h('button', { type: 'button', class: 'btn btn-small', testid: 'amend-refill',
          onclick: () => ctx.refill({ standard: a.standard, region: a.region, key: a.key, from: a.from, value: a.value, cite: a.cite }) },
        '按此重新录入')) : null));
      return;
    }
    const actions = h('div', { class: 'toolbar' });
    if (a.status === 'adopted') actions.appendChild(h('span', { class: 'badge d-granted', testid: 'amend-adopted' }, `已采用：此后的认定使用新取值`));
    else if (can.county()) actions.appendChild(adoptButton(a, async () => {
      statusBox.replaceChildren(amendmentStatus({ ...a, status: 'adopted' }, 'done', 'amend-view-status'));
      actions.replaceChildren(h('span', { class: 'badge d-granted', testid: 'amend-adopted' }, '已采用：此后的认定使用新取值'));
      await ctx.refresh();
    }));
    box.appendChild(h('div', { class: 'callout', testid: 'amend-preview-result' },
      h('div', null, h('strong', null, '影响预览：'), `按新取值认定 ${a.impact.to_period} 的全部家庭（预览批次 #${a.preview_run}），与批次 #${a.base_run} 比较。`
        + '下面是谁增发、谁减发及其原因，和支出的变化。'),
      actions,
      h('details', null, h('summary', null, '生成的规则文本'), h('pre', { testid: 'amend-source' }, a.source))));
    impact = renderImpact(a.impact, { schema: ctx.schema });
    box.appendChild(impact.element);
  }

  load();
  return { dispose: () => { disposed = true; stop(); } };
}

function adoptButton(a, after) {
  const box = h('span', { class: 'approve' });
  const btn = h('button', { type: 'button', class: 'btn btn-primary', testid: 'amend-adopt' }, '采用此调整');
  btn.addEventListener('click', () => {
    clear(box);
    box.append(h('span', { class: 'small' }, `采用调整 #${a.id} 后，服务器此后的认定（个案认定和批量认定）都使用新取值。确认采用？`),
      h('button', { type: 'button', class: 'btn btn-small btn-primary', testid: 'amend-adopt-confirm', onclick: async (e) => {
        e.target.disabled = true;
        try {
          await post(`/api/amendments/${a.id}/adopt`, {});
          showInfo(`调整 #${a.id} 已采用：此后的认定使用新取值。`);
          await after();
        } catch (ex) { e.target.disabled = false; reportError(ex, '采用失败'); }
      } }, '确认采用'),
      h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => { clear(box); box.appendChild(btn); } }, '取消'));
  });
  box.appendChild(btn);
  return box;
}

async function loadAmendments(box, schema, stdOf, shownId) {
  let list, job;
  try {
    [list, job] = await Promise.all([get('/api/amendments').then((r) => r.data), get('/api/batch').then((r) => r.data)]);
  } catch (e) { if (e.status !== 403) reportError(e, '调整列表'); return; }
  const running = job.kind === 'preview' && job.state === 'running' ? job.amendment : null;
  const previewOf = (a) => (a.preview_run ? 'done' : a.id === running ? 'running' : 'failed');
  clear(box);
  box.appendChild(table([
    { title: '编号', cell: (a) => `#${a.id}`, class: 'num' },
    { title: '标准', cell: (a) => stdOf(a.standard)?.label || a.standard },
    { title: '区划', cell: (a) => regionText(schema, a.region) },
    { title: '类别', cell: (a) => keyText(schema, stdOf(a.standard), a.key) },
    { title: '生效', cell: (a) => a.from, class: 'nowrap' },
    { title: '取值', cell: (a) => valueText(a.value, stdOf(a.standard)), class: 'nowrap' },
    { title: '来源', cell: (a) => a.cite },
    { title: '状态', cell: (a) => amendmentStatus(a, previewOf(a)) },
    { title: '录入', cell: (a) => `${a.entered_by} ${fmtTime(a.entered_at)}` },
    { title: '采用', cell: (a) => a.adopted_at ? `${a.adopted_by} ${fmtTime(a.adopted_at)}` : '' },
    { title: '', cell: (a) => a.id === shownId ? h('span', { class: 'muted small' }, '（见上）')
      : h('a', { href: hashWith('#/county/standards', { amendment: a.id }), testid: `amend-open-${a.id}` }, a.preview_run && a.status === 'draft' ? '查看影响并采用' : '查看') },
  ], list, { testid: 'amendments-table', rowTestid: (a) => `amend-row-${a.id}`, empty: '尚无调整' }));
}

// ---------- notice template ----------
async function renderTemplate(main) {
  const panel = h('div', { class: 'panel' }, h('h2', null, '告知书模板'),
    h('p', { class: 'muted small' }, '审核确认告知书中关于复核、申诉的说明文字（全县通用）。保存后，此后打开的告知书使用新文字。'),
    h('p', { class: 'muted small', testid: 'template-help' }, '每个非空行是告知书中的一段。可用的占位符（打印时替换）：{县} 县名，{乡镇} 该户所在乡镇，{户编号}，{户主} 户主姓名，'
      + '{月份} 认定月份，{日期} 告知书日期。“____”处请填写本县规定的天数，未填写时告知书中留空。'));
  main.appendChild(panel);
  const ta = h('textarea', { rows: 14, class: 'template-text', testid: 'template-text' });
  const save = h('button', { type: 'button', class: 'btn btn-primary', testid: 'template-save' }, '保存模板');
  panel.append(ta, h('div', { class: 'toolbar' }, save));
  try {
    const { data } = await get('/api/notice-template');
    ta.value = data.text;
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
