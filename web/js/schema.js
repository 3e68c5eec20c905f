// schema.js — GET /api/schema, normalised into one shape the form can rely on:
//   {entities: {name: {name, label, fields: [Field]}}, enums: {name: {name, label, values: [{name, label}]}},
//    regions: [{code, name}], programs: [{id, label, per}]}
//   Field = {name, label, kind, of, list, optional, default, min, max}
//     kind: text | integer | decimal | money | bool | date | month | enum | entity
//     of: the enum or entity name (kind enum/entity); list: a list of that kind.
// The reader accepts the shapes a server is likely to give (arrays or maps, type strings like
// "optional list of income" or objects {kind, of}), so a small change of the server's layout does not break the form.
import { get } from './api.js';

let cached = null;
export async function loadSchema(force = false) {
  if (cached && !force) return cached;
  const { data } = await get('/api/schema');
  cached = normalizeSchema(data);
  return cached;
}
export function schemaCached() { return cached; }

const SCALARS = new Set(['text', 'integer', 'decimal', 'money', 'bool', 'date', 'month']);
const SCALAR_ALIAS = { string: 'text', int: 'integer', number: 'decimal', boolean: 'bool', rational: 'decimal' };

function asList(x, keyName = 'name') {
  if (!x) return [];
  if (Array.isArray(x)) return x;
  if (typeof x === 'object') {
    return Object.entries(x).map(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v)
      ? { [keyName]: k, ...v } : { [keyName]: k, value: v }));
  }
  return [];
}

function normEnumValues(e) {
  const vals = e.values ?? e.items ?? e.members ?? [];
  const labels = e.value_labels ?? e.labels ?? [];
  if (Array.isArray(vals)) {
    return vals.map((v, i) => (typeof v === 'string'
      ? { name: v, label: labels[i] || '' }
      : { name: v.name ?? v.value ?? v.id, label: v.label ?? v.zh ?? v.text ?? '' }));
  }
  if (typeof vals === 'object') {
    return Object.entries(vals).map(([k, v]) => ({ name: k, label: typeof v === 'string' ? v : (v && v.label) || '' }));
  }
  return [];
}

function toNum(x) {
  if (x === null || x === undefined || x === '') return null;
  const n = Number(x);
  return Number.isFinite(n) ? n : null;
}

export function normalizeSchema(raw) {
  const s = { entities: {}, enums: {}, regions: [], programs: [], raw };
  const rawEnums = raw.enums ?? raw.enumerations ?? {};
  for (const e of asList(rawEnums)) {
    const name = e.name ?? e.id;
    s.enums[name] = { name, label: e.label ?? '', values: normEnumValues(e) };
  }
  const rawEntities = raw.entities ?? raw.record?.entities ?? {};
  const pending = [];
  for (const e of asList(rawEntities)) {
    const name = e.name ?? e.id;
    const ent = { name, label: e.label ?? '', fields: [] };
    s.entities[name] = ent;
    pending.push([ent, e]);
  }
  for (const [ent, e] of pending) {
    for (const f of asList(e.fields ?? e.properties ?? [])) ent.fields.push(normField(f, s));
  }
  // regions
  let regs = raw.regions ?? [];
  if (regs && !Array.isArray(regs) && (regs.items || regs.regions || regs.list)) regs = regs.items || regs.regions || regs.list;
  s.regions = asList(regs, 'code').map((r) => ({
    code: String(r.code ?? r.id ?? r.region),
    name: r.name ?? r.label ?? (typeof r.value === 'string' ? r.value : ''),
    level: r.level,
  })).filter((r) => r.code && r.code !== 'undefined');
  s.programs = asList(raw.programs ?? [], 'id').map((p) => ({
    id: p.id ?? p.name ?? p.program, label: p.label ?? '', per: p.per ?? p.period ?? '', entity: p.entity ?? p.level,
    cite: p.citation ?? p.cite ?? '',
  }));
  return s;
}

function normField(f, s) {
  const out = {
    name: f.name ?? f.id,
    label: String(f.label ?? f.name ?? '').replace(/\s*\(extension\)\s*$/, ''),
    optional: !!(f.optional ?? (f.required === false)),
    list: false, kind: 'text', of: null,
    default: f.default ?? f.default_value,
    min: toNum(f.min ?? f.minimum ?? f.bounds?.min),
    max: toNum(f.max ?? f.maximum ?? f.bounds?.max),
  };
  if (f.required === true) out.optional = false;
  let t = f.type ?? f.kind ?? 'text';
  applyType(out, t, f, s);
  if (typeof out.default === 'string') {
    if (out.kind === 'bool') out.default = out.default === 'true';
    else if (out.kind === 'integer') out.default = Number(out.default);
  }
  if (out.default !== undefined && out.default !== null) out.hasDefault = true;
  return out;
}

function applyType(out, t, f, s) {
  if (t && typeof t === 'object') {
    if (t.optional) out.optional = true;
    const k = t.kind ?? t.type ?? t.name;
    if (k === 'list' || t.list) {
      out.list = true;
      const inner = t.of ?? t.element ?? t.item ?? t.items;
      if (inner && typeof inner === 'object') return applyType(out, inner, f, s);
      return applyName(out, inner, f, s);
    }
    if (k === 'enum') { out.kind = 'enum'; out.of = t.enum ?? t.of ?? t.name_of ?? f.enum; return ensureInlineEnum(out, t, f, s); }
    if (k === 'entity') { out.kind = 'entity'; out.of = t.entity ?? t.of ?? f.entity; return out; }
    return applyName(out, k, f, s);
  }
  let str = String(t).trim();
  if (str.startsWith('optional ')) { out.optional = true; str = str.slice(9).trim(); }
  if (str.startsWith('list of ')) { out.list = true; str = str.slice(8).trim(); }
  if (f.list === true) out.list = true;
  return applyName(out, str, f, s);
}

function applyName(out, name, f, s) {
  name = SCALAR_ALIAS[name] ?? name;
  if (name === 'list') {  // {"type":"list","entity":"income"} (or "enum"/"of" for a list of values)
    out.list = true;
    const inner = f.entity ?? f.of ?? f.enum ?? f.element ?? 'text';
    if (typeof inner === 'object') return applyType(out, inner, f, s);
    return applyName(out, inner, { ...f, type: inner }, s);
  }
  if (SCALARS.has(name)) { out.kind = name; return out; }
  if (name === 'enum') { out.kind = 'enum'; out.of = f.enum?.name ?? f.enum ?? f.of; return ensureInlineEnum(out, f, f, s); }
  if (name === 'entity') { out.kind = 'entity'; out.of = f.entity ?? f.of; return out; }
  if (s.enums[name]) { out.kind = 'enum'; out.of = name; return out; }
  if (s.entities[name] || f.entity) { out.kind = 'entity'; out.of = name; return out; }
  if (f.values || f.enum) { out.kind = 'enum'; out.of = f.enum?.name ?? f.enum ?? name; return ensureInlineEnum(out, f, f, s); }
  out.kind = 'text';
  return out;
}

function ensureInlineEnum(out, t, f, s) {
  const src = (t.values ? t : null) ?? (f.values ? f : null) ?? (f.enum && typeof f.enum === 'object' ? f.enum : null);
  if (typeof out.of === 'object' && out.of) out.of = out.of.name;
  if (!out.of) out.of = `${f.name}_enum`;
  if (src && !s.enums[out.of]) s.enums[out.of] = { name: out.of, label: src.label ?? '', values: normEnumValues(src) };
  return out;
}

export function enumValues(schema, name) { return schema.enums[name]?.values ?? []; }
export function enumLabel(schema, name, value) {
  const v = enumValues(schema, name).find((x) => x.name === value);
  return v ? (v.label || v.name) : value;
}
export function entity(schema, name) { return schema.entities[name]; }
export function field(schema, ent, name) { return schema.entities[ent]?.fields.find((f) => f.name === name); }

/** Region name by code (12-digit, 9-digit township prefix or 6-digit county). */
export function regionName(schema, code) {
  if (!code || !schema) return '';
  code = String(code);
  const exact = schema.regions.find((r) => r.code === code);
  if (exact) return exact.name;
  if (code.length === 9) {
    const r = schema.regions.find((x) => x.code.length === 12 && x.code.startsWith(code));
    if (r) return r.name;
  }
  return '';
}

/** The townships (12-digit codes) a user may enter households for: all, or those under the user's codes. */
export function townshipsFor(schema, me) {
  const all = schema.regions.filter((r) => r.code.length === 12);
  if (!me || me.role !== 'caseworker') return all;
  const codes = (me.townships || []).map((t) => String(t.code ?? t));
  return all.filter((r) => codes.some((c) => r.code.startsWith(c.length === 12 ? c.slice(0, 9) : c)));
}
export function countyOf(schema, code) {
  const c = String(code).slice(0, 6);
  return schema.regions.find((r) => r.code === c);
}

export function programLabel(schema, id) {
  return schema?.programs.find((p) => p.id === id)?.label || id;
}
