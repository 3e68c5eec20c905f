// form.js — the household form, built from the schema (GET /api/schema): every entity and field the rule set
// declares, with Chinese labels, dropdowns for enums, bounds, optional parts switched on and off, lists with
// add/remove. The record being edited is kept as the JSON object itself (fields the form does not know are kept).
// Errors show beside their field: the form's own checks as one types, and the server's 400 invalid_record mapped
// back from its path (members[P2].birth_date or members[1].birth_date).
import { h, clear, pathId } from './util.js';
import { checkIdNumber } from './idnumber.js';
import { enumValues, enumLabel, townshipsFor, countyOf } from './schema.js';

// ---- paths ----
export function parsePath(p) {
  const out = [];
  const re = /([^.[\]]+)|\[([^\]]*)\]/g;
  let m;
  while ((m = re.exec(p))) out.push(m[1] !== undefined ? m[1] : (/^\d+$/.test(m[2]) ? Number(m[2]) : m[2]));
  return out;
}
export function joinPath(keys) {
  let s = '';
  for (const k of keys) s += typeof k === 'number' ? `[${k}]` : (s ? `.${k}` : k);
  return s;
}
function getAt(obj, keys) {
  let o = obj;
  for (const k of keys) { if (o === null || o === undefined) return undefined; o = o[k]; }
  return o;
}
function setAt(obj, keys, v) {
  let o = obj;
  for (let i = 0; i < keys.length - 1; i++) {
    if (o[keys[i]] === undefined || o[keys[i]] === null) o[keys[i]] = typeof keys[i + 1] === 'number' ? [] : {};
    o = o[keys[i]];
  }
  const last = keys[keys.length - 1];
  if (v === undefined) { if (Array.isArray(o)) o[last] = undefined; else delete o[last]; } else o[last] = v;
}

const clone = (x) => (x === undefined ? undefined : JSON.parse(JSON.stringify(x)));
const isEmpty = (v) => v === undefined || v === null || v === '';
const isMemberRef = (f) => f.kind === 'entity' && f.of === 'member_ref';

const PLACEHOLDER = { date: 'YYYY-MM-DD', month: 'YYYY-MM', money: '元', decimal: '', integer: '' };

function validDate(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}
function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
function boundsText(f) {
  if (f.min !== null && f.max !== null) return `${f.min}–${f.max}`;
  if (f.min !== null) return `≥ ${f.min}`;
  if (f.max !== null) return `≤ ${f.max}`;
  return '';
}

/** Check boxes after the other fields, so the grid's rows line up. */
function checksLast(fields) {
  const isCheck = (f) => f.kind === 'bool' && (f.hasDefault || !f.optional);
  return [...fields.filter((f) => !isCheck(f)), ...fields.filter(isCheck)];
}

export class HouseholdForm {
  /**
   * opts: {schema, record, me, readOnly, isNew, prefix ('' or 'wf-'), onChange(form)}
   */
  constructor(opts) {
    this.schema = opts.schema;
    this.me = opts.me;
    this.readOnly = !!opts.readOnly;
    this.isNew = !!opts.isNew;
    this.prefix = opts.prefix || '';
    this.onChange = opts.onChange || (() => {});
    this.original = clone(opts.record);
    this.record = clone(opts.record);
    this.dirty = false;
    this.touched = new Set();
    this.showAll = false;
    this.serverErrors = new Map();  // path → [messages] (local index paths)
    this.autofill = new Map();      // member index → {birth_date, sex} values filled from the id number
    this.element = h('form', { class: 'hh-form', testid: `${this.prefix}household-form`, novalidate: true,
      onsubmit: (e) => e.preventDefault() });
    this.summary = h('div', { class: 'form-summary', testid: `${this.prefix}form-summary`, hidden: true });
    this.render();
  }

  tid(kind, path) { return `${this.prefix}${kind}-${pathId(path)}`; }

  // ---------- rendering ----------
  render() {
    const active = document.activeElement;
    const activePath = active && this.element.contains(active) ? active.dataset.path : null;
    const activeTid = active && this.element.contains(active) ? active.dataset.testid : null;
    clear(this.element);
    this.element.appendChild(this.summary);
    const hh = this.schema.entities.household;
    if (!hh) { this.element.appendChild(h('p', { class: 'warn' }, '服务器返回的表结构中没有“家庭”实体，无法生成表单。')); return; }
    const scalars = checksLast(hh.fields.filter((f) => !f.list && f.kind !== 'entity'));
    const top = h('section', { class: 'form-section', testid: `${this.prefix}section-household` },
      h('h3', null, hh.label ? `${hh.label}基本信息` : '基本信息'),
      h('div', { class: 'field-grid' }, scalars.map((f) => this.scalarField(f, [f.name], this.record))));
    this.element.appendChild(top);
    for (const f of hh.fields) {
      if (!f.list && f.kind !== 'entity') continue;
      const sec = this.complexField(f, [f.name], this.record, 0);
      sec.dataset.top = f.name;
      this.element.appendChild(sec);
    }
    this.refreshErrors();
    if (activeTid) {
      const el = this.element.querySelector(`[data-testid="${activeTid}"]`)
        || (activePath && this.element.querySelector(`[data-path="${CSS.escape(activePath)}"] input, [data-path="${CSS.escape(activePath)}"] select`));
      if (el) el.focus();
    }
  }

  /** A list of entities, an optional/required sub-entity or a list of member references. */
  complexField(f, keys, parent, depth) {
    const path = joinPath(keys);
    const value = parent ? parent[f.name] : undefined;
    if (f.list && isMemberRef(f)) return this.memberRefField(f, keys, value);
    if (f.list && f.kind !== 'entity') return this.scalarListField(f, keys, value);
    if (f.list) {
      const ent = this.schema.entities[f.of];
      const items = Array.isArray(value) ? value : [];
      const isTable = depth > 0;   // lists inside a list item (incomes of a member): compact rows
      const box = h(depth ? 'div' : 'section', {
        class: depth ? 'sublist' : 'form-section', dataset: { path }, testid: `${this.prefix}list-${pathId(path)}` });
      const head = h(depth ? 'h4' : 'h3', null, f.label || f.name,
        h('span', { class: 'count' }, items.length ? ` (${items.length})` : ''));
      box.appendChild(head);
      box.appendChild(h('div', { class: 'field-error', testid: this.tid('error', path) }));
      items.forEach((item, i) => {
        const ik = [...keys, i];
        if (isTable) box.appendChild(this.rowItem(ent, ik, item));
        else box.appendChild(this.cardItem(f, ent, ik, item, i));
      });
      if (!this.readOnly) {
        box.appendChild(h('button', {
          type: 'button', class: 'btn btn-small btn-add', testid: this.tid('add', path),
          onclick: () => this.addItem(f, keys),
        }, `＋ 添加${ent?.label || f.label}`));
      }
      return box;
    }
    // a sub-entity
    const ent = this.schema.entities[f.of];
    const present = value !== undefined && value !== null;
    const box = h(depth ? 'fieldset' : 'section', {
      class: depth ? 'subentity' : 'form-section', dataset: { path }, testid: `${this.prefix}entity-${pathId(path)}` });
    const title = f.label || ent?.label || f.name;
    if (f.optional) {
      const cb = h('input', {
        type: 'checkbox', checked: present, disabled: this.readOnly, testid: this.tid('toggle', path),
        dataset: { path },
        onchange: (e) => this.toggleEntity(f, keys, e.target.checked),
      });
      box.appendChild(h(depth ? 'legend' : 'h3', null, h('label', { class: 'toggle' }, cb, ' ', title)));
    } else {
      box.appendChild(h(depth ? 'legend' : 'h3', null, title));
    }
    box.appendChild(h('div', { class: 'field-error', testid: this.tid('error', path) }));
    if (present && ent) box.appendChild(this.entityBody(ent, keys, value, depth + 1));
    else if (!present && f.optional) box.appendChild(h('div', { class: 'muted small' }, this.absentText(f)));
    return box;
  }

  absentText(f) {
    const map = { assets: '未填写：尚未进行家庭财产审核', status: '未填写：不是在保案件（新申请）',
      disability: '无残疾人证', school: '不在校', hardship: '无临时困难', supporters: '无' };
    return map[f.name] || '未填写';
  }

  entityBody(ent, keys, obj, depth) {
    const wrap = h('div', { class: 'entity-body' });
    const scalars = checksLast(ent.fields.filter((f) => !f.list && f.kind !== 'entity'));
    wrap.appendChild(h('div', { class: 'field-grid' }, scalars.map((f) => this.scalarField(f, [...keys, f.name], obj))));
    for (const f of ent.fields) {
      if (!f.list && f.kind !== 'entity') continue;
      wrap.appendChild(this.complexField(f, [...keys, f.name], obj, depth));
    }
    return wrap;
  }

  cardItem(f, ent, keys, item, i) {
    const path = joinPath(keys);
    const card = h('div', { class: 'card item-card', dataset: { path }, testid: `${this.prefix}item-${pathId(path)}` });
    const title = h('div', { class: 'card-title' }, h('span', { class: 'card-title-text', testid: this.tid('title', path) },
      this.itemTitle(f, ent, item, i)));
    if (!this.readOnly) {
      title.appendChild(h('button', {
        type: 'button', class: 'btn btn-small btn-danger-ghost', testid: this.tid('remove', path),
        onclick: () => this.removeItem(keys),
      }, '删除'));
    }
    card.appendChild(title);
    card.appendChild(h('div', { class: 'field-error', testid: this.tid('error', path) }));
    card.appendChild(this.entityBody(ent, keys, item, 1));
    return card;
  }

  itemTitle(f, ent, item, i) {
    const parts = [`${ent?.label || f.label} ${i + 1}`];
    if (item && item.id) parts.push(item.id);
    if (item && item.relation) {
      const rf = ent?.fields.find((x) => x.name === 'relation');
      if (rf && rf.kind === 'enum') parts.push(enumLabel(this.schema, rf.of, item.relation));
    }
    if (item && item.name) parts.push(item.name);
    if (f.name === 'supporters' && item && item.of) parts.push(`(${item.of} 的义务人)`);
    return parts.join(' · ');
  }

  rowItem(ent, keys, item) {
    const path = joinPath(keys);
    const row = h('div', { class: 'item-row', dataset: { path }, testid: `${this.prefix}item-${pathId(path)}` });
    for (const f of ent.fields) {
      if (f.list || f.kind === 'entity') continue;
      row.appendChild(this.scalarField(f, [...keys, f.name], item, true));
    }
    if (!this.readOnly) {
      row.appendChild(h('button', {
        type: 'button', class: 'btn btn-small btn-danger-ghost row-remove', testid: this.tid('remove', path),
        onclick: () => this.removeItem(keys), title: '删除',
      }, '删除'));
    }
    row.appendChild(h('div', { class: 'field-error', testid: this.tid('error', path) }));
    return row;
  }

  memberRefField(f, keys, value) {
    const path = joinPath(keys);
    const chosen = new Set((Array.isArray(value) ? value : []).map((v) => (typeof v === 'object' && v ? v.id : v)));
    const members = Array.isArray(this.record.members) ? this.record.members : [];
    const box = h('div', { class: 'field field-wide', dataset: { path } },
      h('span', { class: 'label' }, f.label));
    const opts = h('div', { class: 'checks', testid: this.tid('field', path) });
    members.forEach((m) => {
      if (!m || !m.id) return;
      opts.appendChild(h('label', { class: 'check' }, h('input', {
        type: 'checkbox', checked: chosen.has(m.id), disabled: this.readOnly, testid: this.tid('field', `${path}-${m.id}`),
        onchange: (e) => {
          const cur = new Set((getAt(this.record, keys) || []).map((v) => (typeof v === 'object' && v ? v.id : v)));
          if (e.target.checked) cur.add(m.id); else cur.delete(m.id);
          const list = members.map((x) => x.id).filter((id) => cur.has(id));
          setAt(this.record, keys, list.length ? list : undefined);
          this.changed(path);
        },
      }), ` ${m.id}${m.name ? ' ' + m.name : ''}`));
    });
    if (!members.some((m) => m && m.id)) opts.appendChild(h('span', { class: 'muted' }, '（先填写成员）'));
    box.appendChild(opts);
    box.appendChild(h('div', { class: 'field-error', testid: this.tid('error', path) }));
    return box;
  }

  scalarListField(f, keys, value) {
    const path = joinPath(keys);
    const input = h('input', {
      type: 'text', value: Array.isArray(value) ? value.join('、') : '', disabled: this.readOnly,
      testid: this.tid('field', path), dataset: { path }, placeholder: '多个值以顿号或逗号分隔',
      oninput: (e) => {
        const items = e.target.value.split(/[、,，\s]+/).filter(Boolean);
        setAt(this.record, keys, items.length ? items : undefined);
        this.changed(path);
      },
    });
    return h('div', { class: 'field field-wide', dataset: { path } }, h('label', null, f.label), input,
      h('div', { class: 'field-error', testid: this.tid('error', path) }));
  }

  scalarField(f, keys, parent, compact = false) {
    const path = joinPath(keys);
    const value = parent ? parent[f.name] : undefined;
    const required = !f.optional && !f.hasDefault;
    const id = `${this.prefix}f-${pathId(path)}`;
    const common = { id, disabled: this.readOnly, testid: this.tid('field', path), dataset: { path } };
    let input;
    const isRegion = keys.length === 1 && f.name === 'region';
    const isSupporterOf = keys[0] === 'supporters' && f.name === 'of';
    const isHouseholdId = keys.length === 1 && f.name === 'id';
    if (isRegion) input = this.regionSelect(common, value, keys);
    else if (isSupporterOf) input = this.memberSelect(common, value, keys);
    else if (f.kind === 'enum') {
      const vals = enumValues(this.schema, f.of);
      input = h('select', { ...common, onchange: (e) => this.setValue(f, keys, e.target.value, true) },
        h('option', { value: '' }, required ? '请选择' : '—'),
        vals.map((v) => h('option', { value: v.name, selected: v.name === value }, v.label || v.name)));
      if (!isEmpty(value) && !vals.some((v) => v.name === value)) {
        input.appendChild(h('option', { value, selected: true }, `${value}（未知取值）`));
      }
    } else if (f.kind === 'bool' && (f.hasDefault || !f.optional)) {
      const checked = isEmpty(value) ? !!f.default : value === true;
      input = h('input', { ...common, type: 'checkbox', checked, onchange: (e) => this.setValue(f, keys, e.target.checked, true) });
      return h('div', { class: `field field-check${compact ? ' compact' : ''}`, dataset: { path } },
        h('label', { for: id }, input, ' ', f.label),
        h('div', { class: 'field-error', testid: this.tid('error', path) }));
    } else if (f.kind === 'bool') {
      input = h('select', { ...common, onchange: (e) => this.setValue(f, keys, e.target.value === '' ? '' : e.target.value === 'true', true) },
        h('option', { value: '' }, '未填写'),
        h('option', { value: 'true', selected: value === true }, '是'),
        h('option', { value: 'false', selected: value === false }, '否'));
    } else {
      const ph = f.kind === 'integer' || f.kind === 'decimal' || f.kind === 'money'
        ? [PLACEHOLDER[f.kind], boundsText(f)].filter(Boolean).join(' ') : (PLACEHOLDER[f.kind] || '');
      input = h('input', {
        ...common, type: 'text', value: isEmpty(value) ? '' : String(value), placeholder: ph, autocomplete: 'off',
        inputmode: f.kind === 'integer' ? 'numeric' : (f.kind === 'money' || f.kind === 'decimal') ? 'decimal' : undefined,
        maxlength: f.name === 'id_number' ? 18 : undefined,
        readOnly: isHouseholdId && !this.isNew,
        oninput: (e) => this.setValue(f, keys, e.target.value, false),
        onchange: (e) => this.setValue(f, keys, e.target.value, true),
        onblur: () => { this.touched.add(path); this.refreshErrors(); },
      });
      if (f.name === 'id_number') input.classList.add('mono');
    }
    const label = h('label', { for: id }, isRegion ? '乡镇' : (f.label || f.name), required ? h('span', { class: 'req', title: '必填' }, '*') : null);
    return h('div', { class: `field field-${f.kind}${compact ? ' compact' : ''}${f.name === 'id_number' ? ' field-idnumber' : ''}`, dataset: { path } },
      label, input,
      h('div', { class: 'field-note', testid: this.tid('note', path) }),
      h('div', { class: 'field-error', testid: this.tid('error', path) }));
  }

  regionSelect(common, value, keys) {
    const towns = townshipsFor(this.schema, this.me);
    const sel = h('select', { ...common, onchange: (e) => this.setValue({ name: 'region', kind: 'text' }, keys, e.target.value, true) },
      h('option', { value: '' }, '请选择乡镇'));
    const groups = new Map();
    for (const t of towns) {
      const c = countyOf(this.schema, t.code);
      const g = c ? c.name : t.code.slice(0, 6);
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(t);
    }
    for (const [g, list] of groups) {
      sel.appendChild(h('optgroup', { label: g }, list.map((t) => h('option', { value: t.code, selected: t.code === value }, t.name))));
    }
    if (!isEmpty(value) && !towns.some((t) => t.code === value)) {
      const r = this.schema.regions.find((x) => x.code === value);
      sel.appendChild(h('option', { value, selected: true }, r ? `${r.name} (${value})` : value));
    }
    return sel;
  }

  memberSelect(common, value, keys) {
    const members = (this.record.members || []).filter((m) => m && m.id);
    const sel = h('select', { ...common, onchange: (e) => this.setValue({ name: 'of', kind: 'text' }, keys, e.target.value, true) },
      h('option', { value: '' }, '请选择成员'),
      members.map((m) => h('option', { value: m.id, selected: m.id === value }, `${m.id}${m.name ? ' ' + m.name : ''}`)));
    if (!isEmpty(value) && !members.some((m) => m.id === value)) sel.appendChild(h('option', { value, selected: true }, `${value}（不是本户成员）`));
    return sel;
  }

  // ---------- editing ----------
  fieldAt(keys) {
    // the schema field at a path (for parsing on input)
    let ent = this.schema.entities.household;
    let f = null;
    for (const k of keys) {
      if (typeof k === 'number') continue;
      f = ent?.fields.find((x) => x.name === k);
      if (!f) return null;
      if (f.kind === 'entity') ent = this.schema.entities[f.of];
    }
    return f;
  }

  setValue(f, keys, raw, committed) {
    const path = joinPath(keys);
    const parentKeys = keys.slice(0, -1);
    const parent = getAt(this.record, parentKeys);
    const hadKey = parent && Object.prototype.hasOwnProperty.call(parent, keys[keys.length - 1]);
    const origParent = getAt(this.original, parentKeys);
    const origHad = origParent && Object.prototype.hasOwnProperty.call(origParent, keys[keys.length - 1]);
    let v = raw;
    if (typeof raw === 'string') {
      v = raw.trim();
      if (v === '') v = undefined;
      else if (f.kind === 'integer' && /^-?\d+$/.test(v)) v = Number(v);
      else if (f.kind === 'decimal' && /^-?\d+(\.\d+)?$/.test(v)) v = Number(v);
      else if (f.name === 'id_number') v = v.toUpperCase();
    }
    if (f.kind === 'bool' && f.hasDefault && v === f.default && !origHad) v = undefined;
    if (v === undefined && !f.optional && !f.hasDefault && f.kind !== 'bool') v = '';  // keep a required field present
    if (v === undefined && !hadKey) { /* nothing */ } else setAt(this.record, keys, v);
    if (f.name === 'birth_date' || f.name === 'sex') {
      const mi = keys[0] === 'members' ? keys[1] : null;
      if (mi !== null && this.autofill.has(mi)) this.autofill.get(mi)[f.name] = null;   // edited by hand
    }
    if (f.name === 'id_number' && keys[0] === 'members') this.idNumberTyped(keys[1], raw);
    if (committed || f.name === 'id_number') this.touched.add(path);
    else if (this.touched.has(path)) { /* keep showing as it changes */ }
    const structural = committed && keys[0] === 'members' && ['id', 'name', 'relation'].includes(f.name);
    this.changed(path, structural);
  }

  idNumberTyped(mi, raw) {
    const r = checkIdNumber(raw);
    const m = this.record.members[mi];
    const note = this.element.querySelector(`[data-testid="${this.tid('note', `members[${mi}].id_number`)}"]`);
    if (note) note.textContent = '';
    if (!r.ok) return;
    const af = this.autofill.get(mi) || {};
    const filled = [];
    for (const k of ['birth_date', 'sex']) {
      const want = k === 'birth_date' ? r.birth_date : r.sex;
      if (isEmpty(m[k]) || (af[k] && m[k] === af[k])) {
        if (m[k] !== want) {
          m[k] = want;
          const el = this.element.querySelector(`[data-testid="${this.tid('field', `members[${mi}].${k}`)}"]`);
          if (el) el.value = want;
          filled.push(k === 'birth_date' ? `出生日期 ${want}` : `性别 ${want === 'male' ? '男' : '女'}`);
        }
        af[k] = want;
      }
    }
    this.autofill.set(mi, af);
    if (note && filled.length) note.textContent = `已按身份证号填入${filled.join('、')}`;
  }

  changed(path, structural = false) {
    this.dirty = true;
    if (this.serverErrors.has(path)) this.serverErrors.delete(path);
    if (structural) this.refreshMemberDependents();
    this.refreshErrors();
    this.onChange(this);
  }

  /** A member's id, name or relation changed: its card title, and the parts that list members (supporters' 'of',
   *  the status member lists) are redrawn in place; the section being typed in is left alone. */
  refreshMemberDependents() {
    const hh = this.schema.entities.household;
    const members = Array.isArray(this.record.members) ? this.record.members : [];
    const mf = hh.fields.find((f) => f.name === 'members');
    const ment = mf && this.schema.entities[mf.of];
    members.forEach((m, i) => {
      const t = this.element.querySelector(`[data-testid="${this.tid('title', `members[${i}]`)}"]`);
      if (t) t.textContent = this.itemTitle(mf, ment, m, i);
    });
    for (const f of hh.fields) {
      if (f.name === 'members' || (!f.list && f.kind !== 'entity')) continue;
      const old = this.element.querySelector(`[data-top="${f.name}"]`);
      if (!old || old.contains(document.activeElement)) continue;
      const sec = this.complexField(f, [f.name], this.record, 0);
      sec.dataset.top = f.name;
      old.replaceWith(sec);
    }
  }

  addItem(f, keys) {
    const list = getAt(this.record, keys);
    const item = {};
    if (f.of === 'member') {
      const ids = new Set((list || []).map((m) => m && m.id));
      let n = (list || []).length + 1;
      while (ids.has(`P${n}`)) n++;
      item.id = `P${n}`;
      if (!(list || []).length) item.relation = 'self';
    }
    if (f.of === 'income') item.per = 'month';
    if (f.of === 'supporter' && (this.record.members || []).length === 1) item.of = this.record.members[0].id;
    if (Array.isArray(list)) list.push(item); else setAt(this.record, keys, [item]);
    this.serverErrors.clear();
    this.dirty = true;
    this.render();
    this.onChange(this);
    const p = joinPath([...keys, (getAt(this.record, keys) || []).length - 1]);
    const el = this.element.querySelector(`[data-path="${CSS.escape(p)}"] input:not([type=checkbox]), [data-path="${CSS.escape(p)}"] select`);
    if (el) el.focus();
  }

  removeItem(keys) {
    const listKeys = keys.slice(0, -1);
    const list = getAt(this.record, listKeys);
    const i = keys[keys.length - 1];
    list.splice(i, 1);
    const f = this.fieldAt(listKeys);
    if (!list.length && f && f.optional) setAt(this.record, listKeys, undefined);
    if (listKeys.length === 1 && listKeys[0] === 'members') {
      const af = new Map();
      for (const [k, v] of this.autofill) if (k < i) af.set(k, v); else if (k > i) af.set(k - 1, v);
      this.autofill = af;
    }
    this.serverErrors.clear();
    this.touched = new Set([...this.touched].filter((p) => !p.startsWith(joinPath(listKeys))));
    this.dirty = true;
    this.render();
    this.onChange(this);
  }

  toggleEntity(f, keys, on) {
    if (on) {
      setAt(this.record, keys, {});
    } else {
      setAt(this.record, keys, undefined);
    }
    this.serverErrors.clear();
    this.dirty = true;
    this.render();
    this.onChange(this);
  }

  // ---------- checks ----------
  validate() {
    const errs = new Map();
    const notes = new Map();
    const add = (p, m) => { if (!errs.has(p)) errs.set(p, []); errs.get(p).push(m); };
    this.walk('household', this.record, [], add);
    const members = Array.isArray(this.record.members) ? this.record.members : [];
    const selfs = members.map((m, i) => [m, i]).filter(([m]) => m && m.relation === 'self');
    if (members.length && selfs.length === 0) add('members', '家庭没有“本人”成员：应恰有一名成员的与申请人关系为“本人”');
    if (selfs.length > 1) selfs.slice(1).forEach(([, i]) => add(`members[${i}].relation`, '只能有一名成员的关系为“本人”'));
    const seen = new Map();
    members.forEach((m, i) => {
      if (!m) return;
      if (m.id) {
        if (seen.has(m.id)) add(`members[${i}].id`, `成员编号 ${m.id} 与成员 ${seen.get(m.id) + 1} 重复`);
        else seen.set(m.id, i);
      }
      if (!isEmpty(m.id_number)) {
        const r = checkIdNumber(m.id_number);
        if (!r.ok) add(`members[${i}].id_number`, r.error);
        else {
          if (!isEmpty(m.birth_date) && m.birth_date !== r.birth_date) {
            add(`members[${i}].id_number`, `身份证号中的出生日期为 ${r.birth_date}，与填写的出生日期 ${m.birth_date} 不符`);
          }
          if (!isEmpty(m.sex) && m.sex !== r.sex) {
            notes.set(`members[${i}].id_number`, `注意：身份证号第 17 位表示性别为${r.sex === 'male' ? '男' : '女'}，与填写的性别不符`);
          }
        }
      }
      if (typeof m.birth_date === 'string' && validDate(m.birth_date) && m.birth_date > today()) {
        add(`members[${i}].birth_date`, `出生日期 ${m.birth_date} 晚于今天`);
      }
    });
    const ids = new Set(members.map((m) => m && m.id).filter(Boolean));
    (Array.isArray(this.record.supporters) ? this.record.supporters : []).forEach((s, i) => {
      if (s && !isEmpty(s.of) && !ids.has(s.of)) add(`supporters[${i}].of`, `“${s.of}”不是本户成员`);
    });
    this.errors = errs;
    this.notes = notes;
    return errs;
  }

  walk(entName, obj, keys, add) {
    const ent = this.schema.entities[entName];
    if (!ent || !obj || typeof obj !== 'object') return;
    for (const f of ent.fields) {
      const k = [...keys, f.name];
      const path = joinPath(k);
      const v = obj[f.name];
      if (isEmpty(v)) {
        if (!f.optional && !f.hasDefault) add(path, f.kind === 'enum' || (f.list && f.kind === 'entity') ? `请选择${f.label}` : `请填写${f.label}`);
        continue;
      }
      if (f.list) {
        if (!Array.isArray(v)) { add(path, `${f.label}应为列表`); continue; }
        if (!v.length && !f.optional) add(path, `至少需要一项${f.label}`);
        if (isMemberRef(f)) {
          const ids = new Set((this.record.members || []).map((m) => m && m.id));
          v.forEach((x) => { const id = typeof x === 'object' && x ? x.id : x; if (!ids.has(id)) add(path, `“${id}”不是本户成员`); });
        } else if (f.kind === 'entity') v.forEach((item, i) => this.walk(f.of, item, [...k, i], add));
        else v.forEach((item) => { const m = this.checkScalar(f, item); if (m) add(path, m); });
        continue;
      }
      if (f.kind === 'entity') { this.walk(f.of, v, k, add); continue; }
      const m = this.checkScalar(f, v);
      if (m) add(path, m);
    }
  }

  checkScalar(f, v) {
    const L = f.label || f.name;
    const bounds = (n) => {
      if (f.min !== null && n < f.min) return f.max !== null ? `${L}应在 ${f.min}–${f.max} 之间` : `${L}不能小于 ${f.min}`;
      if (f.max !== null && n > f.max) return f.min !== null ? `${L}应在 ${f.min}–${f.max} 之间` : `${L}不能大于 ${f.max}`;
      return null;
    };
    switch (f.kind) {
      case 'integer':
        if (typeof v !== 'number' || !Number.isInteger(v)) return `${L}应为整数`;
        return bounds(v);
      case 'decimal': {
        const n = typeof v === 'number' ? v : (/^-?\d+(\.\d+)?$/.test(String(v)) ? Number(v) : NaN);
        if (Number.isNaN(n)) return `${L}应为数字`;
        return bounds(n);
      }
      case 'money': {
        const s = String(v);
        if (!/^-?\d+(\.\d{1,2})?$/.test(s)) return `${L}应为金额（元），最多两位小数，如 1200 或 37.50`;
        return bounds(Number(s));
      }
      case 'date':
        if (typeof v !== 'string' || !validDate(v)) return `${L}应为有效日期，格式 YYYY-MM-DD`;
        return null;
      case 'month':
        if (typeof v !== 'string' || !/^\d{4}-(0[1-9]|1[0-2])$/.test(v)) return `${L}应为月份，格式 YYYY-MM`;
        return null;
      case 'bool':
        return typeof v === 'boolean' ? null : `${L}应为是或否`;
      case 'enum':
        if (!enumValues(this.schema, f.of).some((x) => x.name === v)) return `${L}的取值“${v}”不在可选范围内`;
        return null;
      default:
        return typeof v === 'string' ? null : `${L}应为文字`;
    }
  }

  /** Shows the errors: the form's own (for fields touched, or all after a save attempt) and the server's. */
  refreshErrors() {
    const errs = this.validate();
    const shown = new Map();
    const show = (p) => this.showAll || this.touched.has(p);
    for (const [p, ms] of errs) if (show(p)) shown.set(p, [...ms]);
    for (const [p, ms] of this.serverErrors) shown.set(p, [...(shown.get(p) || []), ...ms.filter((m) => !(shown.get(p) || []).includes(m))]);
    const placed = new Set();
    for (const el of this.element.querySelectorAll('[data-path]')) {
      const p = el.dataset.path;
      const errEl = [...el.children].find((c) => c.classList && c.classList.contains('field-error'));
      if (!errEl) continue;
      const ms = shown.get(p) || [];
      errEl.textContent = ms.join('；');
      el.classList.toggle('has-error', ms.length > 0);
      if (ms.length) placed.add(p);
      const noteEl = [...el.children].find((c) => c.classList && c.classList.contains('field-note'));
      if (noteEl && this.notes.has(p)) noteEl.textContent = this.notes.get(p);
    }
    // errors without a place of their own (a field not shown): in the summary at the top
    const orphans = [...shown].filter(([p]) => !placed.has(p));
    clear(this.summary);
    if (orphans.length || (this.showAll && errs.size)) {
      this.summary.hidden = false;
      this.summary.appendChild(h('strong', null, errs.size ? `表单有 ${this.countErrors(errs)} 处需要更正` : '服务器报告的问题'));
      if (orphans.length) {
        this.summary.appendChild(h('ul', null, orphans.map(([p, ms]) => h('li', null,
          h('a', { href: '#', onclick: (e) => { e.preventDefault(); this.focusPath(p); } }, this.describePath(p)), '：', ms.join('；')))));
      }
    } else this.summary.hidden = true;
  }

  countErrors(errs) { let n = 0; for (const ms of errs.values()) n += ms.length; return n; }

  /** Validates everything and shows every error; returns the number of problems. */
  check() {
    this.showAll = true;
    this.refreshErrors();
    const n = this.errors.size;
    if (n) {
      const first = this.element.querySelector('.has-error');
      if (first) { first.scrollIntoView({ block: 'center' }); const inp = first.querySelector('input,select'); if (inp) inp.focus(); }
    }
    return n;
  }

  /** The server's invalid_record: {field, message, errors:[{field, message}]} (messages in Chinese, the English
   *  wording in brackets for support staff). */
  applyServerErrors(err) {
    this.serverErrors.clear();
    const add = (p, m) => {
      const lp = p ? this.localPath(p) : '';
      if (!this.serverErrors.has(lp)) this.serverErrors.set(lp, []);
      if (!this.serverErrors.get(lp).includes(m)) this.serverErrors.get(lp).push(m);
    };
    const list = err.errors.length ? err.errors : [{ field: err.field, message: err.message }];
    for (const e of list) add(e.field, e.message);
    this.refreshErrors();
    const p = err.field ? this.localPath(err.field) : null;
    if (p) this.focusPath(p, false);
  }

  /** members[P2].disability.grade → members[1].disability.grade (ids resolved against the record). */
  localPath(p) {
    const keys = parsePath(String(p));
    let o = this.record;
    const out = [];
    for (const k of keys) {
      if (typeof k === 'string' && Array.isArray(o)) {
        const i = o.findIndex((x) => x && x.id === k);
        out.push(i >= 0 ? i : k);
        o = i >= 0 ? o[i] : undefined;
      } else {
        out.push(k);
        o = o === undefined || o === null ? undefined : o[k];
      }
    }
    return joinPath(out);
  }

  describePath(p) {
    const keys = parsePath(p);
    const words = [];
    let ent = this.schema.entities.household;
    let listLabel = '';
    for (const k of keys) {
      if (typeof k === 'number') {
        const item = getAt(this.record, keys.slice(0, keys.indexOf(k) + 1));
        words.push(item && item.id ? `${listLabel}${item.id}${item.name ? '(' + item.name + ')' : ''}` : `第 ${k + 1} 项${listLabel}`);
        continue;
      }
      const f = ent?.fields.find((x) => x.name === k);
      if (!f) { words.push(k); continue; }
      if (f.list) listLabel = this.schema.entities[f.of]?.label || f.label;
      else words.push(f.label || k);
      if (f.kind === 'entity') ent = this.schema.entities[f.of];
    }
    return words.join(' 的 ');
  }

  /** Scrolls to the field at a path (or the nearest part shown) and highlights it. */
  focusPath(p, local = true) {
    const lp = local ? this.localPath(p) : p;
    let keys = parsePath(lp);
    let el = null;
    while (keys.length) {
      el = this.element.querySelector(`[data-path="${CSS.escape(joinPath(keys))}"]`);
      if (el) break;
      keys = keys.slice(0, -1);
    }
    if (!el) return false;
    const box = el.closest('.field, .form-section, .subentity, .item-card, .item-row') || el;
    box.scrollIntoView({ block: 'center' });
    box.classList.remove('flash'); void box.offsetWidth; box.classList.add('flash');
    const inp = el.matches('input,select') ? el : el.querySelector('input,select');
    if (inp) inp.focus({ preventScroll: true });
    return true;
  }

  /** The record to send: a copy, with the id number's x upper-cased. */
  output() {
    const r = clone(this.record);
    for (const m of r.members || []) if (m && typeof m.id_number === 'string') m.id_number = m.id_number.trim().toUpperCase();
    return r;
  }

  markSaved() {
    this.original = clone(this.record);
    this.dirty = false;
    this.serverErrors.clear();
    this.onChange(this);
  }
}

/** An empty household for the form of a new one. */
export function emptyRecord(schema, me) {
  const towns = townshipsFor(schema, me);
  const r = { id: '', region: towns.length === 1 ? towns[0].code : '', area: '', members: [{ id: 'P1', relation: 'self' }] };
  return r;
}
