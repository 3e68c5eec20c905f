// util.js — small DOM and formatting helpers shared by the pages.

/** h('div', {class:'x', testid:'y', onclick: fn}, child, 'text', [more]) → element. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'testid') el.dataset.testid = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'value') el.value = v;
      else if (k === 'checked' || k === 'disabled' || k === 'selected' || k === 'hidden' || k === 'open'
               || k === 'readOnly' || k === 'required') el[k] = !!v;
      else if (k === 'html') el.innerHTML = v;
      else el.setAttribute(k, v === true ? '' : v);
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else {
      // ⏳ (provisional) is drawn as an icon: many office PCs' fonts have no glyph for it
      const parts = String(c).split('⏳');
      parts.forEach((t, i) => {
        if (i) el.appendChild(hourglass());
        if (t) el.appendChild(document.createTextNode(t));
      });
    }
  }
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';
/** An hourglass icon standing for ⏳ (暂定). */
export function hourglass() {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 12 14');
  svg.setAttribute('class', 'ico ico-hourglass');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', '⏳');
  const p = document.createElementNS(SVG, 'path');
  p.setAttribute('d', 'M1 1h10M1 13h10M2.5 1c0 4 3.5 4.5 3.5 6s-3.5 2-3.5 6M9.5 1c0 4-3.5 4.5-3.5 6s3.5 2 3.5 6M4 12h4L6 10z');
  p.setAttribute('fill', 'none');
  p.setAttribute('stroke', 'currentColor');
  p.setAttribute('stroke-width', '1.3');
  p.setAttribute('stroke-linejoin', 'round');
  svg.appendChild(p);
  return svg;
}

export function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }

/** A test id from a field path: members[1].birth_date → members-1-birth_date. */
export function pathId(path) {
  return String(path).replace(/\[(\w+)\]/g, '-$1').replace(/\./g, '-').replace(/[^\w\-]/g, '_');
}

// ---- money: decimal strings, exact in fen (integers) ----
export function toFen(s) {
  if (s === null || s === undefined || s === '') return null;
  const m = String(s).trim().match(/^(-?)(\d+)(?:\.(\d{1,2}))?\d*$/);
  if (!m) return null;
  const fen = BigInt(m[2]) * 100n + BigInt(((m[3] || '') + '00').slice(0, 2));
  return m[1] ? -fen : fen;
}
export function fenText(f) {
  if (f === null || f === undefined) return '—';
  const neg = f < 0n;
  const a = neg ? -f : f;
  const yuan = (a / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${yuan}.${(a % 100n).toString().padStart(2, '0')}`;
}
export function money(s) {
  if (s === null || s === undefined || s === '') return '—';
  const f = toFen(s);
  return f === null ? String(s) : fenText(f);
}

export const PER_LABEL = { month: '每月', semester: '每学期', year: '每年', once: '一次性' };
export const PER_SHORT = { month: '月', semester: '学期', year: '年', once: '次' };

export const DECISION = {
  granted: { sym: '✔', text: '享受', cls: 'd-granted' },
  not_granted: { sym: '✘', text: '不享受', cls: 'd-not' },
  undetermined: { sym: '？', text: '无法确定', cls: 'd-undet' },
  amount_undetermined: { sym: '？', text: '符合条件，金额待定', cls: 'd-undet' },
  choice_needed: { sym: '？', text: '待家庭选择', cls: 'd-undet' },
  excluded: { sym: '⇄', text: '不重复享受', cls: 'd-excluded' },
};
export function decisionOf(ent) {
  if (ent.decision && DECISION[ent.decision]) return ent.decision;
  if (ent.eligible === true) return ent.amount === null ? 'amount_undetermined' : 'granted';
  if (ent.eligible === false) return ent.excluded_by ? 'excluded' : 'not_granted';
  return 'undetermined';
}

export function currentMonth() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

export function fmtTime(s) {
  if (!s) return '';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return String(s);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function shortHash(s) {
  if (!s) return '';
  const t = String(s).replace(/^sha256:/, '');
  return t.slice(0, 12);
}

// ---- banners ----
let bannerTimer = null;
export function showError(msg, testid) {
  const el = document.querySelector('[data-testid="error-banner"]');
  clear(el);
  append(el, [h('span', { class: 'banner-text', testid: testid || 'error-text' }, msg),
    h('button', { type: 'button', class: 'banner-close', title: '关闭', onclick: () => { el.hidden = true; } }, '×')]);
  el.hidden = false;
  el.scrollIntoView({ block: 'nearest' });
}
export function clearError() {
  const el = document.querySelector('[data-testid="error-banner"]');
  if (el) { el.hidden = true; clear(el); }
}
export function showInfo(msg, ms = 4000) {
  const el = document.querySelector('[data-testid="info-banner"]');
  clear(el);
  el.textContent = msg;
  el.hidden = false;
  clearTimeout(bannerTimer);
  if (ms) bannerTimer = setTimeout(() => { el.hidden = true; }, ms);
}
export function clearInfo() {
  const el = document.querySelector('[data-testid="info-banner"]');
  if (el) el.hidden = true;
}

/** Shows an ApiError (or any error) in the banner, in Chinese. */
export function reportError(e, prefix) {
  const text = e && e.text ? e.text : (e && e.message ? e.message : String(e));
  showError(prefix ? `${prefix}：${text}` : text);
  if (!(e && e.status)) console.error(e);
}

// ---- hash routes ----
export function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [p, q] = raw.split('?');
  const parts = p.split('/').filter(Boolean).map(decodeURIComponent);
  const query = Object.fromEntries(new URLSearchParams(q || ''));
  return { path: p, parts, query };
}
export function go(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}
export function hashWith(base, query) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) if (v !== undefined && v !== null && v !== '') qs.set(k, v);
  const s = qs.toString();
  return s ? `${base}?${s}` : base;
}
export const enc = encodeURIComponent;

export function button(text, onclick, attrs = {}) {
  return h('button', { type: 'button', class: 'btn', ...attrs, onclick }, text);
}

export function table(columns, rows, opts = {}) {
  // columns: [{title, cell: row => node|string, class?}]; opts: {testid, rowTestid(row,i), empty, class}
  const { rowTestid, empty, ...attrs } = opts;
  return h('table', { class: 'grid', ...attrs },
    h('thead', null, h('tr', null, columns.map((c) => h('th', { class: c.class }, c.title)))),
    h('tbody', null, rows.length
      ? rows.map((r, i) => h('tr', { testid: rowTestid ? rowTestid(r, i) : undefined },
        columns.map((c) => h('td', { class: c.class }, c.cell(r, i)))))
      : h('tr', null, h('td', { colspan: columns.length, class: 'empty' }, empty || '无'))));
}

export function busy(btn, promiseFn) {
  return async (...args) => {
    if (btn.disabled) return;
    btn.disabled = true;
    btn.classList.add('is-busy');
    try { return await promiseFn(...args); } finally { btn.disabled = false; btn.classList.remove('is-busy'); }
  };
}

export function downloadText(name, text, type = 'application/json') {
  const a = h('a', { href: URL.createObjectURL(new Blob([text], { type })), download: name });
  document.body.appendChild(a); a.click(); a.remove();
}

/** A month field "YYYY-MM" with ‹ › to step a month (the same in every locale). Returns the wrapper; the
 *  input (with the test id) is wrapper.input. */
export function monthInput({ value = '', testid, onchange, placeholder = 'YYYY-MM' } = {}) {
  const input = h('input', { type: 'text', class: 'month-input', value, testid, placeholder, maxlength: 7, inputmode: 'numeric',
    pattern: '\\d{4}-\\d{2}', autocomplete: 'off', onchange: () => onchange && onchange(input.value) });
  const step = (n) => {
    const m = /^(\d{4})-(\d{2})$/.exec(input.value) || /^(\d{4})-(\d{2})$/.exec(currentMonth());
    const t = Number(m[1]) * 12 + Number(m[2]) - 1 + n;
    input.value = `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
    if (onchange) onchange(input.value);
  };
  const wrap = h('span', { class: 'month-field' },
    h('button', { type: 'button', class: 'btn btn-small btn-ghost month-step', title: '上一个月', onclick: () => step(-1) }, '‹'),
    input,
    h('button', { type: 'button', class: 'btn btn-small btn-ghost month-step', title: '下一个月', onclick: () => step(1) }, '›'));
  wrap.input = input;
  return wrap;
}
