// One household: the form (built from the schema), deciding a month, what-if, history and versions.
// Routes: #/household/new · #/household/{id} · #/household/{id}/decide · #/household/{id}/whatif · #/household/{id}/history
import { get, post, put, can, session } from '../api.js';
import { h, clear, go, enc, hashWith, reportError, showError, showInfo, clearError, currentMonth, fmtTime, shortHash,
  table, money, PER_SHORT, DECISION, monthInput } from '../util.js';
import { loadSchema, regionName } from '../schema.js';
import { HouseholdForm, emptyRecord } from '../form.js';
import { renderDecision, renderComparison } from '../decision.js';

// Kept between tabs (and while the user looks elsewhere, when there are unsaved changes).
const state = {
  id: null,          // household id ('' for a new one)
  isNew: false,
  form: null,
  etag: null,
  version: null,
  period: currentMonth(),
  lastResult: null,  // {kind:'decide'|'explain', data}
  whatif: null,      // HouseholdForm of the copy
  whatifResult: null,
  pendingFocus: null,
};

window.addEventListener('beforeunload', (e) => {
  if (state.form && state.form.dirty && !state.form.readOnly) { e.preventDefault(); e.returnValue = ''; }
});

function etagVersion(etag) { return etag ? etag.replace(/^W\//, '').replace(/"/g, '') : null; }

async function loadHousehold(id, schema) {
  const res = await get(`/api/households/${enc(id)}`);
  state.id = id;
  state.isNew = false;
  state.etag = res.etag;
  state.version = etagVersion(res.etag);
  state.form = new HouseholdForm({ schema, record: res.data, me: session.me, readOnly: !can.edit(), isNew: false });
  state.lastResult = null;
  state.whatif = null;
  state.whatifResult = null;
}

function newHousehold(schema) {
  state.id = '';
  state.isNew = true;
  state.etag = null;
  state.version = null;
  state.form = new HouseholdForm({ schema, record: emptyRecord(schema, session.me), me: session.me, readOnly: false, isNew: true });
  state.lastResult = null;
  state.whatif = null;
  state.whatifResult = null;
}

export async function render(main, route) {
  const schema = await loadSchema();
  const id = route.parts[1];
  const tab = route.parts[2] || 'form';
  if (!id) { go('#/households'); return; }
  if (id === 'new') {
    if (!can.edit()) { showError('无权新建家庭档案'); return; }
    if (!(state.isNew && state.form && state.form.dirty)) newHousehold(schema);
  } else if (state.id !== id || state.isNew || !state.form || (!state.form.dirty && tab === 'form' && !route.query.keep)) {
    try {
      await loadHousehold(id, schema);
    } catch (e) {
      main.appendChild(h('div', { class: 'panel', testid: 'household-error' },
        h('h2', null, `家庭 ${id}`),
        h('p', { class: 'error-text', testid: 'household-error-text' }, e.status === 403
          ? `无权查看（403）：${e.message && e.message !== '无权访问' ? e.message : '该家庭不在您负责的乡镇范围内'}。`
          : e.status === 404 ? '未找到该家庭档案（404）。' : (e.text || String(e))),
        h('p', null, h('a', { href: '#/households' }, '返回家庭列表'))));
      reportError(e, e.status === 403 ? null : '载入失败');
      return;
    }
  }
  if (route.query.period && /^\d{4}-\d{2}$/.test(route.query.period)) state.period = route.query.period;

  const form = state.form;
  const base = state.isNew ? '#/household/new' : `#/household/${enc(state.id)}`;
  const rec = form.record;
  const head = (rec.members || []).find((m) => m && m.relation === 'self');
  const dirtyBadge = h('span', { class: 'badge b-dirty', testid: 'dirty-badge', hidden: !form.dirty }, '有未保存的修改');
  form.onChange = () => { dirtyBadge.hidden = !form.dirty; updateButtons(); };

  const title = h('h2', { testid: 'household-title' },
    state.isNew ? '新建家庭档案' : `家庭 ${state.id}`,
    !state.isNew && head && head.name ? h('span', { class: 'sub' }, ` · 户主 ${head.name}`) : null,
    !state.isNew ? h('span', { class: 'sub' }, ` · ${regionName(schema, rec.region) || rec.region || ''}`) : null,
    state.version ? h('span', { class: 'badge', testid: 'version-badge' }, `第 ${state.version} 版`) : null,
    form.readOnly ? h('span', { class: 'badge b-readonly', testid: 'readonly-badge' }, '只读') : null,
    dirtyBadge);

  const saveBtn = can.edit() ? h('button', { type: 'button', class: 'btn btn-primary', testid: 'save-household' }, '保存') : null;
  const reloadBtn = !state.isNew ? h('button', { type: 'button', class: 'btn', testid: 'reload-household', onclick: async () => {
    if (form.dirty && !confirm('放弃未保存的修改，重新载入？')) return;
    await loadHousehold(state.id, schema);
    go(hashWith(base, { keep: '' }));
  } }, '重新载入') : null;
  const noticeBtn = !state.isNew ? h('button', { type: 'button', class: 'btn', testid: 'open-notice', onclick: () => openNotice() }, '告知书') : null;
  function updateButtons() {
    if (saveBtn) saveBtn.disabled = !form.dirty && !state.isNew;
  }
  if (saveBtn) saveBtn.addEventListener('click', () => save(schema));
  updateButtons();

  const tabs = [['form', '家庭信息'], ['decide', '认定'], ...(can.edit() ? [['whatif', '假如（对比）']] : []), ...(!state.isNew ? [['history', '历史与版本']] : [])];
  const tabBar = h('div', { class: 'tabs', role: 'tablist' }, tabs.map(([t, text]) => h('a', {
    href: t === 'form' ? hashWith(base, { keep: '1' }) : `${base}/${t}`, class: t === tab ? 'active' : '', testid: `tab-${t}`, role: 'tab' }, text)));
  const actions = h('div', { class: 'actions' }, saveBtn, reloadBtn, noticeBtn);
  const content = h('div', { class: 'tab-content', testid: `tab-content-${tab}` });
  main.appendChild(h('div', { class: 'panel' }, h('div', { class: 'panel-head' }, title, actions), tabBar, content));

  if (tab === 'form') {
    content.appendChild(form.element);
    if (state.pendingFocus) { const p = state.pendingFocus; state.pendingFocus = null; setTimeout(() => form.focusPath(p), 0); }
  } else if (tab === 'decide') renderDecide(content, schema);
  else if (tab === 'whatif') renderWhatif(content, schema);
  else if (tab === 'history') await renderHistory(content, schema);
  return () => { form.onChange = () => {}; };
}

function openNotice(period) {
  const p = period || state.period;
  window.open(`/api/households/${enc(state.id)}/notice?period=${enc(p)}`, '_blank');
}

async function save(schema) {
  const form = state.form;
  clearError();
  const n = form.check();
  if (n) { showError(`表单有 ${form.countErrors(form.errors)} 处需要更正，已在字段旁标出。`); return; }
  const rec = form.output();
  const id = String(rec.id || '').trim();
  if (state.isNew) {
    try {
      await get(`/api/households/${enc(id)}`);
      form.serverErrors.set('id', [`户编号 ${id} 已存在，请换一个编号或打开该家庭`]);
      form.refreshErrors();
      form.focusPath('id');
      showError(`户编号 ${id} 已存在。`);
      return;
    } catch (e) {
      if (e.status === 403) { showError(`户编号 ${id} 已被其他乡镇使用。`); return; }
      if (e.status !== 404) { reportError(e); return; }
    }
  }
  const headers = {};
  if (!state.isNew && state.etag) headers['If-Match'] = state.etag;
  try {
    const wasNewForm = state.isNew;
    const { data } = await put(`/api/households/${enc(id)}`, rec, { headers });
    form.markSaved();
    state.version = String(data.version);
    state.etag = `"${data.version}"`;
    const wasNew = state.isNew;
    state.isNew = false;
    state.id = id;
    form.isNew = false;
    if (wasNewForm) form.render();
    showInfo(data.changed === false ? '内容没有变化，未生成新版本。' : `已保存：第 ${data.version} 版。`);
    go(hashWith(`#/household/${enc(id)}`, { keep: '1' }));
    if (!wasNew) { /* re-rendered by the route */ }
  } catch (e) {
    if (e.code === 'invalid_record' || (e.status === 400 && (e.field || e.errors.length))) {
      form.applyServerErrors(e);
      showError(`服务器认为记录有误：${e.message}${e.field ? `（${form.describePath(form.localPath(e.field))}）` : ''}`);
    } else if (e.status === 412) {
      showConflict(schema);
    } else reportError(e, '保存失败');
  }
}

function showConflict(schema) {
  const el = document.querySelector('[data-testid="error-banner"]');
  clear(el);
  el.appendChild(h('span', { class: 'banner-text', testid: 'conflict-text' },
    '保存未成功：在您编辑期间，其他人已保存了该家庭的新版本（412）。请重新载入最新版本后再修改；您的修改不会覆盖他人的修改。'));
  el.appendChild(h('button', { type: 'button', class: 'btn btn-small', testid: 'conflict-reload', onclick: async () => {
    await loadHousehold(state.id, schema);
    clearError();
    go(hashWith(`#/household/${enc(state.id)}`, { keep: '2' }));
  } }, '载入最新版本（放弃我的修改）'));
  el.appendChild(h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => { el.hidden = true; } }, '保留我的修改'));
  el.hidden = false;
}

function gotoField(path) {
  state.pendingFocus = path;
  go(hashWith(state.isNew ? '#/household/new' : `#/household/${enc(state.id)}`, { keep: '1' }));
}

// ---------- decide ----------
function renderDecide(content, schema) {
  const form = state.form;
  const periodField = monthInput({ value: state.period, testid: 'decide-period', onchange: (v) => { state.period = v; } });
  const period = periodField.input;
  const stored = can.decide() && !state.isNew;
  const decideBtn = stored ? h('button', { type: 'button', class: 'btn btn-primary', testid: 'decide-run', disabled: form.dirty }, '认定并存档') : null;
  const explainBtn = h('button', { type: 'button', class: `btn${stored ? '' : ' btn-primary'}`, testid: 'explain-run' }, '试算（不存档）');
  const hint = h('span', { class: 'muted small', testid: 'decide-hint' },
    form.dirty ? '表单有未保存的修改：可先试算；存档认定需先保存。' : stored ? '认定按服务器现行规则计算并存档；试算不存档。' : '试算按服务器现行规则计算，不存档。');
  const out = h('div', { class: 'decide-out', testid: 'decision-result' });
  content.appendChild(h('div', { class: 'toolbar' }, h('label', null, '认定月份 ', periodField), decideBtn, explainBtn,
    !state.isNew ? h('button', { type: 'button', class: 'btn', testid: 'decide-notice', onclick: () => openNotice(period.value) }, '打开告知书') : null, hint));
  content.appendChild(out);
  const show = () => {
    clear(out);
    const r = state.lastResult;
    if (!r) { out.appendChild(h('p', { class: 'muted' }, '选择月份后点“认定并存档”或“试算”。')); return; }
    const res = r.kind === 'decide' ? r.data.result : r.data;
    out.appendChild(h('div', { class: 'decide-meta', testid: 'decide-meta' },
      r.kind === 'decide'
        ? `已存档：决定编号 ${r.data.decision_id}，依据记录第 ${r.data.record_version} 版`
        : '试算结果（未存档）', r.unsaved ? '，按表单中尚未保存的内容计算' : ''));
    out.appendChild(renderDecision(res, { schema, record: r.record, onMissing: gotoField }));
  };
  const run = async (kind) => {
    const p = period.value;
    if (!/^\d{4}-\d{2}$/.test(p)) { showError('请选择认定月份'); return; }
    state.period = p;
    clearError();
    const btn = kind === 'decide' ? decideBtn : explainBtn;
    btn.disabled = true;
    try {
      if (kind === 'decide') {
        const { data } = await post(`/api/households/${enc(state.id)}/decide`, { period: p });
        state.lastResult = { kind, data, record: form.output() };
      } else {
        const { data } = await post('/api/explain', { household: form.output(), period: p });
        state.lastResult = { kind, data, record: form.output(), unsaved: form.dirty };
      }
      show();
    } catch (e) {
      if (e.code === 'invalid_record') {
        form.applyServerErrors(e);
        showError(`记录有误，无法认定：${e.message}`);
      } else reportError(e, kind === 'decide' ? '认定失败' : '试算失败');
    } finally { btn.disabled = kind === 'decide' ? form.dirty : false; }
  };
  if (decideBtn) decideBtn.addEventListener('click', () => run('decide'));
  explainBtn.addEventListener('click', () => run('explain'));
  show();
}

// ---------- what-if ----------
function renderWhatif(content, schema) {
  const form = state.form;
  if (!state.whatif) {
    state.whatif = new HouseholdForm({ schema, record: form.output(), me: { ...session.me, role: 'county' }, readOnly: false, isNew: false, prefix: 'wf-' });
    state.whatifResult = null;
  }
  const periodField = monthInput({ value: state.period, testid: 'whatif-period' });
  const period = periodField.input;
  const runBtn = h('button', { type: 'button', class: 'btn btn-primary', testid: 'whatif-run' }, '对比两种情况');
  const resetBtn = h('button', { type: 'button', class: 'btn', testid: 'whatif-reset', onclick: () => {
    state.whatif = null; state.whatifResult = null; clear(content); renderWhatif(content, schema);
  } }, '从当前表单重新复制');
  const out = h('div', { class: 'whatif-out', testid: 'whatif-result' });
  content.appendChild(h('p', { class: 'muted small' },
    '下面是当前表单的副本。改动其中的事实（如收入、残疾等级、在校情况），再点“对比”：左右并列显示原记录与假如的认定结果。两次都只是试算，不保存，也不影响档案。'));
  content.appendChild(h('div', { class: 'toolbar' }, h('label', null, '认定月份 ', periodField), runBtn, resetBtn));
  content.appendChild(out);
  content.appendChild(h('details', { class: 'whatif-form', open: true, testid: 'whatif-form' },
    h('summary', null, '假如：修改副本中的事实'), state.whatif.element));
  const show = () => {
    clear(out);
    const r = state.whatifResult;
    if (!r) return;
    out.appendChild(renderComparison(r.before, r.after, { schema }));
    out.appendChild(h('div', { class: 'side-by-side' },
      h('div', { class: 'side' }, h('h3', null, '原记录'), renderDecision(r.before, { schema, record: r.beforeRecord, prefix: 'wa-', compact: true })),
      h('div', { class: 'side' }, h('h3', null, '假如'), renderDecision(r.after, { schema, record: r.afterRecord, prefix: 'wb-', compact: true,
        onMissing: (p) => state.whatif.focusPath(p) }))));
  };
  runBtn.addEventListener('click', async () => {
    if (state.whatif.check()) { showError('副本中有需要更正的字段，已在字段旁标出。'); return; }
    clearError();
    state.period = period.value;
    runBtn.disabled = true;
    try {
      const beforeRecord = form.output(), afterRecord = state.whatif.output();
      const [b, a] = await Promise.all([
        post('/api/explain', { household: beforeRecord, period: period.value }),
        post('/api/explain', { household: afterRecord, period: period.value })]);
      state.whatifResult = { before: b.data, after: a.data, beforeRecord, afterRecord };
      show();
      out.scrollIntoView({ block: 'start' });
    } catch (e) {
      if (e.code === 'invalid_record') showError(`记录有误：${e.message}`);
      else reportError(e, '试算失败');
    } finally { runBtn.disabled = false; }
  });
  show();
}

// ---------- history ----------
async function renderHistory(content, schema) {
  const box = h('div', { class: 'history', testid: 'history' }, h('p', { class: 'muted' }, '正在载入……'));
  content.appendChild(box);
  let events, vlist;
  try {
    [events, vlist] = await Promise.all([
      get(`/api/households/${enc(state.id)}/decisions`).then((r) => r.data),
      get(`/api/households/${enc(state.id)}/versions`).then((r) => r.data)]);
  } catch (e) { clear(box); reportError(e, '载入历史失败'); return; }
  clear(box);
  const byPeriod = new Map();
  for (const ev of events) {
    const p = ev.period || '—';
    if (!byPeriod.has(p)) byPeriod.set(p, []);
    byPeriod.get(p).push(ev);
  }
  const periods = [...byPeriod.keys()].sort().reverse();
  box.appendChild(h('h3', null, '认定记录（按月份）'));
  box.appendChild(h('p', { class: 'muted small' }, '“正式决定”是县民政局已批准的批量认定中的决定；个案认定和未批准批次中的决定为草稿。'));
  if (!periods.length) box.appendChild(h('p', { class: 'muted', testid: 'history-empty' }, '尚无认定记录。'));
  for (const p of periods) {
    const evs = byPeriod.get(p).sort((a, b) => (b.approved ? 1 : 0) - (a.approved ? 1 : 0) || String(b.at).localeCompare(String(a.at)));
    box.appendChild(h('div', { class: 'history-period', testid: `history-period-${p}` },
      h('h4', null, `${p}`, h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => openNotice(p) }, '告知书')),
      table([
        { title: '性质', cell: (ev) => ev.approved
          ? h('span', { class: 'badge d-granted', testid: 'of-record' }, '✔ 正式决定（已批准批次）')
          : h('span', { class: 'badge b-draft', testid: 'draft' }, ev.source === 'run' ? '草稿（批次未批准）' : '草稿（个案认定）') },
        { title: '来源', cell: (ev) => ev.source === 'run' ? `批量认定 #${ev.run}` : `个案认定 #${ev.decision_id}` },
        { title: '时间', cell: (ev) => fmtTime(ev.at) },
        { title: '经办/批准', cell: (ev) => ev.source === 'run' ? (ev.approved_by ? `${ev.approved_by}（批准）` : '') : ev.by },
        { title: '记录版本', cell: (ev) => ev.record_version ? `第 ${ev.record_version} 版` : '', class: 'num' },
        { title: '结果', cell: (ev) => ev.error ? h('span', { class: 'error-text' }, `记录有误，未认定：${ev.error}`) : summary(ev.programs) },
      ], evs, { class: 'grid history-table', rowTestid: (ev) => `history-item-${ev.source}-${ev.source === 'run' ? ev.run : ev.decision_id}` })));
  }
  // versions
  const view = h('div', { class: 'version-view', testid: 'version-view' });
  box.appendChild(h('h3', null, '记录版本'));
  box.appendChild(table([
    { title: '版本', cell: (v) => `第 ${v.version} 版`, class: 'num' },
    { title: '保存时间', cell: (v) => fmtTime(v.stored_at) },
    { title: '保存人', cell: (v) => v.stored_by || '（导入）' },
    { title: '记录摘要 (sha256)', cell: (v) => h('span', { class: 'mono', title: v.record_hash }, shortHash(v.record_hash)) },
    { title: '', cell: (v) => h('button', { type: 'button', class: 'btn btn-small', testid: `view-version-${v.version}`, onclick: async () => {
      try {
        const { data } = await get(`/api/households/${enc(state.id)}/versions/${v.version}`);
        clear(view);
        view.appendChild(h('h4', null, `第 ${v.version} 版（${fmtTime(v.stored_at)}）`));
        view.appendChild(h('pre', { class: 'json' }, JSON.stringify(data, null, 2)));
      } catch (e) { reportError(e); }
    } }, '查看') },
  ], vlist, { testid: 'versions-table', rowTestid: (v) => `version-row-${v.version}` }));
  box.appendChild(view);
}

function summary(programs) {
  const items = [];
  for (const e of programs) {
    const D = DECISION[e.decision];
    if (!D || e.decision === 'not_granted') continue;
    items.push(h('span', { class: `chip ${D.cls}` }, `${D.sym} ${e.label}`,
      e.amount && e.amount !== '0.00' ? ` ${money(e.amount)}${e.per ? '/' + (PER_SHORT[e.per] || e.per) : ''}` : ''));
  }
  return items.length ? h('span', { class: 'chips' }, items) : h('span', { class: 'muted' }, '无享受项目');
}

