// decision.js — a result of the engine (eval --format json --explain) for people: one row per program with
// ✔ ✘ ？ ⇄, the amount per 月/学期/年, the reasons in Chinese, the legal citation, ⏳ provisional (stale standard
// values with their dates), ⚑ review, ⚠ warnings, missing facts linked to the form; and the explanation tree
// of each program on demand.
import { h, money, toFen, fenText, PER_LABEL, PER_SHORT, DECISION, decisionOf } from './util.js';
import { parsePath } from './form.js';
import { programLabel } from './schema.js';

const SUBJECT_RE = /^members\[([^\]]+)\]$/;

export function memberName(record, id) {
  const m = (record?.members || []).find((x) => x && x.id === id);
  return m && m.name ? `${id} ${m.name}` : id;
}

export function subjectText(record, subject) {
  if (!subject || subject === 'household') return '本户';
  const m = SUBJECT_RE.exec(subject);
  if (m) return `成员 ${memberName(record, m[1])}`;
  const s = /^supporters\[(\d+)\]$/.exec(subject);
  if (s) return `义务人 ${Number(s[1]) + 1}`;
  return subject;
}

/** A fact path in words: members[P1].long_term_care_needed → 成员 P1 李桂兰 的「需要长期照护」. */
export function describeFact(schema, record, path) {
  if (!schema) return path;
  if (/^standard\s/.test(path)) return `标准取值待录入：${path.replace(/^standard\s+/, '')}`;
  const keys = parsePath(path);
  let ent = schema.entities.household;
  const words = [];
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const f = ent?.fields.find((x) => x.name === k);
    if (f && f.list && i + 1 < keys.length) {
      const idk = keys[i + 1];
      if (k === 'members') words.push(`成员 ${memberName(record, idk)}`);
      else words.push(`${schema.entities[f.of]?.label || f.label} ${typeof idk === 'number' ? idk + 1 : idk}`);
      ent = schema.entities[f.of];
      i++;
      continue;
    }
    if (!f) { words.push(String(k)); continue; }
    words.push(`「${f.label || k}」`);
    if (f.kind === 'entity') ent = schema.entities[f.of];
  }
  return words.join(' 的 ');
}

function isFactPath(p) { return !/^standard\s/.test(p) && /^[a-z_]+(\[[^\]]+\])?(\.[a-z_]+(\[[^\]]+\])?)*$/.test(p); }

/** Reasons to show: the server's `reasons` sentences, else made from why_not / missing / excluded_by. */
export function reasonsOf(ent, ctx) {
  if (Array.isArray(ent.reasons) && ent.reasons.length) return { list: ent.reasons.map(String), fallback: false };
  const out = [];
  const d = decisionOf(ent);
  if (d === 'excluded' && ent.excluded_by) out.push(`已享受${programLabel(ctx.schema, ent.excluded_by)}（优先），不重复享受`);
  if (ent.choice && ent.choice.between) {
    out.push(`可在 ${ent.choice.between.map((p) => programLabel(ctx.schema, p)).join(' 与 ')} 之间选择，选择前均不发放`
      + (ent.choice.amount_if_chosen ? `；选择本项每月 ${money(ent.choice.amount_if_chosen)} 元` : ''));
  }
  for (const md of ent.member_decisions || []) {
    if (md.decision === 'excluded' && md.excluded_by) out.push(`成员 ${memberName(ctx.record, md.member)}：已享受${programLabel(ctx.schema, md.excluded_by)}（优先）`);
  }
  if (Array.isArray(ent.missing) && ent.missing.length) {
    out.push(`缺少：${ent.missing.map((m) => describeFact(ctx.schema, ctx.record, m)).join('；')}`);
  }
  if (d === 'not_granted' && Array.isArray(ent.why_not)) {
    const seen = new Set();
    for (const w of ent.why_not) {
      const cond = String(w.condition || '').split('\n')[0];
      const t = `${subjectText(ctx.record, w.subject)}：不满足 ${cond}${w.found ? `（实际 ${w.found}）` : ''}`;
      if (seen.has(t)) continue;
      seen.add(t);
      out.push(t);
      if (out.length >= 6) { out.push('……'); break; }
    }
  }
  return { list: out, fallback: true };
}

function perText(per) { return PER_LABEL[per] || per || ''; }

/** The household's monthly total of known granted amounts (programs paid per month). */
export function monthlyTotal(result) {
  let total = 0n;
  let unknown = 0;
  const other = {};
  for (const e of result.entitlements || []) {
    const d = decisionOf(e);
    if (d !== 'granted' && d !== 'amount_undetermined') continue;
    const f = toFen(e.amount);
    if (f === null) { unknown++; continue; }
    if (e.per === 'month') total += f;
    else other[e.per] = (other[e.per] || 0n) + f;
  }
  return { total, unknown, other };
}

/**
 * renderDecision(result, {schema, record, onMissing(path), prefix, heading}) → element
 */
export function renderDecision(result, ctx) {
  const prefix = ctx.prefix || '';
  const wrap = h('div', { class: 'decision', testid: `${prefix}decision` });
  const nodes = new Map((result.explanation || []).map((n) => [n.id, n]));
  const rules = result.rules || {};
  const mt = monthlyTotal(result);
  const otherText = Object.entries(mt.other).map(([per, f]) => `${perText(per)} ${fenText(f)} 元`).join('，');
  wrap.appendChild(h('div', { class: 'decision-head' },
    h('div', { class: 'total' },
      h('span', { class: 'total-label' }, '本户每月合计'),
      h('span', { class: 'total-amount', testid: `${prefix}monthly-total` }, `${fenText(mt.total)} 元`),
      otherText ? h('span', { class: 'total-other', testid: `${prefix}other-totals` }, `另：${otherText}`) : null,
      mt.unknown ? h('span', { class: 'total-other warn' }, `另有 ${mt.unknown} 项金额待定`) : null),
    h('div', { class: 'decision-meta muted small' },
      `家庭 ${result.household || ''}`, result.region_name ? ` · ${result.region_name}` : '',
      ` · 认定月份 ${result.period || ''}`, result.ruleset ? ` · 规则集 ${String(result.ruleset).replace(/^sha256:/, '').slice(0, 12)}` : '')));
  if (Array.isArray(result.errors) && result.errors.length) {
    wrap.appendChild(h('div', { class: 'callout callout-error', testid: `${prefix}result-errors` },
      h('strong', null, '规则执行出错：'),
      h('ul', null, result.errors.map((e) => h('li', null, typeof e === 'string' ? e : `${e.program ? programLabel(ctx.schema, e.program) + '：' : ''}${e.message || JSON.stringify(e)}${e.at ? ` [${[].concat(e.at).join(', ')}]` : ''}`)))));
  }
  const compact = !!ctx.compact;
  const tbl = h('table', { class: `grid decision-table${compact ? ' compact-decision' : ''}`, testid: `${prefix}decision-table` },
    h('thead', null, h('tr', null, (compact ? ['', '救助项目与认定', '理由'] : ['', '救助项目', '认定', '金额', '对象', '理由与依据', '']).map((t) => h('th', null, t)))));
  const tb = h('tbody');
  tbl.appendChild(tb);
  for (const ent of result.entitlements || []) {
    const d = decisionOf(ent);
    const D = DECISION[d];
    const pid = ent.program;
    const rs = reasonsOf(ent, ctx);
    const flags = h('div', { class: 'flags' });
    if (ent.provisional) {
      flags.appendChild(h('div', { class: 'flag flag-prov', testid: `${prefix}ent-${pid}-provisional` }, '⏳ 暂定：使用了超过更新期限的标准取值',
        h('ul', null, (ent.stale_standards || []).map((s) => h('li', null,
          `${s.label || s.standard}：${s.region || ''}${s.key ? ' ' + s.key : ''} 自 ${s.from} 起的取值`,
          s.renewal === 'yearly' ? '（应每年更新）' : '', s.citation ? `，来源：${s.citation}` : '')))));
    }
    for (const r of ent.review || []) flags.appendChild(h('div', { class: 'flag flag-review', testid: `${prefix}ent-${pid}-review` }, `⚑ 需复核：${r}`));
    for (const w of ent.warnings || []) flags.appendChild(h('div', { class: 'flag flag-warn' }, `⚠ ${w}`));
    if (ent.exception) flags.appendChild(h('div', { class: 'flag' }, `适用例外：${ent.exception}`));
    const missing = Array.isArray(ent.missing) ? ent.missing : [];
    const missBox = missing.length ? h('div', { class: 'missing', testid: `${prefix}ent-${pid}-missing` }, '缺少的事实：',
      missing.map((m, i) => (isFactPath(m) && ctx.onMissing
        ? h('a', { href: '#', class: 'missing-link', testid: `${prefix}missing-${pid}-${i}`, dataset: { fact: m },
          onclick: (e) => { e.preventDefault(); ctx.onMissing(m); } }, describeFact(ctx.schema, ctx.record, m))
        : h('span', { class: 'missing-item' }, describeFact(ctx.schema, ctx.record, m))))) : null;
    const amountCell = d === 'granted' || d === 'amount_undetermined' || (ent.amount && ent.amount !== '0.00')
      ? h('span', null, ent.amount === null || ent.amount === undefined ? '待定' : `${money(ent.amount)} 元`, h('span', { class: 'per' }, `/${PER_SHORT[ent.per] || ent.per}`))
      : (d === 'choice_needed' && ent.choice?.amount_if_chosen ? h('span', { class: 'muted' }, `选择则 ${money(ent.choice.amount_if_chosen)} 元/${PER_SHORT[ent.per] || ''}`) : h('span', { class: 'muted' }, '—'));
    const byMember = (ent.by_member || []).length > 1 || ((ent.by_member || []).length === 1 && ent.per !== 'month')
      ? h('div', { class: 'small muted' }, ent.by_member.map((b) => `${memberName(ctx.record, b.member)} ${money(b.amount)}`).join('；')) : null;
    const detailsBtn = h('button', { type: 'button', class: 'btn btn-small btn-ghost', testid: `${prefix}tree-toggle-${pid}` }, '计算过程');
    if (compact) {
      tb.appendChild(h('tr', { class: `ent-row ${D.cls}`, testid: `${prefix}ent-${pid}`, dataset: { decision: d } },
        h('td', { class: 'sym', testid: `${prefix}ent-${pid}-symbol`, title: D.text }, D.sym),
        h('td', { class: 'prog' }, h('div', { class: 'prog-label' }, ent.label || programLabel(ctx.schema, pid)),
          h('div', null, h('span', { class: `badge ${D.cls}`, testid: `${prefix}ent-${pid}-decision` }, D.text),
            ent.provisional ? h('span', { class: 'badge b-prov', title: '暂定' }, '⏳ 暂定') : null),
          h('div', { class: 'amt', testid: `${prefix}ent-${pid}-amount` }, amountCell)),
        h('td', { class: 'why' },
          rs.list.length ? h('ul', { class: `reasons${rs.fallback ? ' reasons-fallback' : ''}`, testid: `${prefix}ent-${pid}-reasons` },
            rs.list.map((r) => h('li', { class: 'reason' }, r))) : null,
          missBox,
          (ent.review || []).map((r) => h('div', { class: 'flag flag-review' }, `⚑ 需复核：${r}`)))));
      continue;
    }
    const tr = h('tr', { class: `ent-row ${D.cls}`, testid: `${prefix}ent-${pid}`, dataset: { decision: d } },
      h('td', { class: 'sym', testid: `${prefix}ent-${pid}-symbol`, title: D.text }, D.sym),
      h('td', { class: 'prog' }, h('div', { class: 'prog-label' }, ent.label || programLabel(ctx.schema, pid)), h('div', { class: 'code' }, pid)),
      h('td', { class: 'dec' }, h('span', { class: `badge ${D.cls}`, testid: `${prefix}ent-${pid}-decision` }, D.text),
        ent.provisional ? h('span', { class: 'badge b-prov', title: '暂定' }, '⏳ 暂定') : null,
        (ent.review || []).length ? h('span', { class: 'badge b-review', title: '需复核' }, '⚑ 复核') : null),
      h('td', { class: 'amt', testid: `${prefix}ent-${pid}-amount` }, amountCell, byMember),
      h('td', { class: 'who' }, (ent.members || []).map((m) => memberName(ctx.record, m)).join('、') || '—'),
      h('td', { class: 'why' },
        rs.list.length ? h('ul', { class: `reasons${rs.fallback ? ' reasons-fallback' : ''}`, testid: `${prefix}ent-${pid}-reasons` },
          rs.list.map((r) => h('li', { class: 'reason' }, r))) : null,
        missBox,
        ent.citation ? h('div', { class: 'cite', testid: `${prefix}ent-${pid}-citation` }, '依据：', ent.citation) : null,
        flags.childNodes.length ? flags : null),
      h('td', { class: 'act' }, (ent.explanation || []).length && nodes.size ? detailsBtn : null));
    tb.appendChild(tr);
    const treeRow = h('tr', { class: 'tree-row', hidden: true }, h('td', { colspan: 7 }));
    tb.appendChild(treeRow);
    detailsBtn.addEventListener('click', () => {
      if (treeRow.hidden && !treeRow.firstChild.firstChild) {
        treeRow.firstChild.appendChild(renderTree(result, ent, nodes, rules, ctx, prefix));
      }
      treeRow.hidden = !treeRow.hidden;
      detailsBtn.textContent = treeRow.hidden ? '计算过程' : '收起';
    });
  }
  wrap.appendChild(tbl);
  return wrap;
}

/** The explanation of one program as a collapsible tree, from its root node(s). */
export function renderTree(result, ent, nodes, rules, ctx, prefix = '') {
  const shown = new Set();
  const box = h('div', { class: 'tree', testid: `${prefix}tree-${ent.program}` },
    h('div', { class: 'tree-help muted small' }, '每一行是一个规则得出的值；展开可看它用到的事实和下级规则。点“规则原文”查看条文。'));
  const ul = h('ul', { class: 'tree-root' });
  for (const id of ent.explanation || []) ul.appendChild(treeNode(id, nodes, rules, ctx, shown, 0));
  box.appendChild(ul);
  return box;
}

function treeNode(id, nodes, rules, ctx, shown, depth) {
  const n = nodes.get(id);
  if (!n) return h('li', null, `#${id}`);
  const r = rules[n.rule] || {};
  const already = shown.has(id);
  shown.add(id);
  const label = r.label || n.rule;
  const subj = n.subject && n.subject !== 'household' ? subjectText(ctx.record, n.subject) : '';
  const head = h('span', { class: 'node-head' },
    h('span', { class: `node-kind k-${r.kind || 'x'}` }, KIND[r.kind] || ''),
    h('span', { class: 'node-label' }, label),
    subj ? h('span', { class: 'node-subj' }, `〔${subj}〕`) : null,
    h('span', { class: 'node-eq' }, ' = '),
    h('span', { class: 'node-value', testid: 'node-value' }, String(n.value ?? '')),
    h('span', { class: 'node-code' }, ` ${n.rule}`),
    already ? h('span', { class: 'muted' }, '（见上）') : null);
  const body = h('div', { class: 'node-body' });
  if (n.effective_from || n.region) {
    body.appendChild(h('div', { class: 'node-std' }, '标准取值：',
      [n.region_level, n.region, n.key].filter(Boolean).join(' '),
      n.effective_from ? `，自 ${n.effective_from} 起` : '', n.written ? `（${n.written}）` : '',
      n.value_citation ? `；来源：${n.value_citation}` : '', n.value_at ? ` [${n.value_at}]` : ''));
  }
  if ((n.facts || []).length) {
    body.appendChild(h('div', { class: 'node-facts' }, '事实：', n.facts.map((f, i) => [i ? '；' : '',
      ctx.onMissing && isFactPath(f.fact)
        ? h('a', { href: '#', onclick: (e) => { e.preventDefault(); ctx.onMissing(f.fact); } }, describeFact(ctx.schema, ctx.record, f.fact))
        : describeFact(ctx.schema, ctx.record, f.fact),
      ' = ', String(f.value)])));
  }
  if (r.citation || r.at) {
    body.appendChild(h('div', { class: 'node-cite' }, r.citation ? `依据：${r.citation}` : '', r.at ? h('span', { class: 'code' }, ` [${r.at}]`) : null,
      r.source ? h('details', { class: 'rule-src' }, h('summary', null, '规则原文'), h('pre', null, r.source)) : null));
  }
  const inputs = already ? [] : (n.inputs || []);
  if (!inputs.length) {
    return h('li', { class: 'leaf' }, head, body.childNodes.length ? body : null);
  }
  const det = h('details', { open: depth < 1 }, h('summary', null, head));
  det.appendChild(body);
  const kids = h('ul');
  det.appendChild(kids);
  let filled = false;
  const fill = () => {
    if (filled) return;
    filled = true;
    for (const c of inputs) kids.appendChild(treeNode(c, nodes, rules, ctx, shown, depth + 1));
  };
  if (det.open) fill();
  det.addEventListener('toggle', () => { if (det.open) fill(); });
  return h('li', null, det);
}

const KIND = { program: '项目', definition: '定义', standard: '标准', fact: '事实', table: '表', exception: '例外' };

/** Two results side by side: one row per program, the change highlighted. */
export function renderComparison(before, after, ctx) {
  const progs = [];
  const b = new Map((before.entitlements || []).map((e) => [e.program, e]));
  const a = new Map((after.entitlements || []).map((e) => [e.program, e]));
  for (const e of before.entitlements || []) progs.push(e.program);
  for (const e of after.entitlements || []) if (!b.has(e.program)) progs.push(e.program);
  const cell = (e) => {
    if (!e) return h('span', { class: 'muted' }, '—');
    const d = decisionOf(e);
    const D = DECISION[d];
    return h('span', { class: D.cls }, `${D.sym} ${D.text}`,
      (d === 'granted' || d === 'amount_undetermined') ? ` ${e.amount === null ? '待定' : money(e.amount) + ' 元'}/${PER_SHORT[e.per] || e.per}` : '');
  };
  const rows = progs.map((p) => {
    const eb = b.get(p), ea = a.get(p);
    const same = eb && ea && decisionOf(eb) === decisionOf(ea) && eb.amount === ea.amount;
    let delta = '';
    if (!same) {
      const fb = eb && decisionOf(eb) === 'granted' ? toFen(eb.amount) : 0n;
      const fa = ea && decisionOf(ea) === 'granted' ? toFen(ea.amount) : 0n;
      if (fb !== null && fa !== null && fa !== fb) delta = `${fa > fb ? '+' : ''}${fenText(fa - fb)}`;
      else delta = '有变化';
    }
    return h('tr', { class: same ? '' : 'changed', testid: `cmp-${p}`, dataset: { changed: same ? 'no' : 'yes' } },
      h('td', null, (eb || ea).label || programLabel(ctx.schema, p)), h('td', null, cell(eb)), h('td', null, cell(ea)),
      h('td', { class: 'amt' }, delta));
  });
  const tb = monthlyTotal(before).total, ta = monthlyTotal(after).total;
  return h('table', { class: 'grid compare', testid: 'whatif-compare' },
    h('thead', null, h('tr', null, h('th', null, '救助项目'), h('th', null, '原记录'), h('th', null, '假如'), h('th', null, '变化'))),
    h('tbody', null, rows,
      h('tr', { class: 'sum' }, h('td', null, '每月合计'), h('td', null, `${fenText(tb)} 元`), h('td', null, `${fenText(ta)} 元`),
        h('td', { class: 'amt', testid: 'whatif-delta' }, ta === tb ? '无变化' : `${ta > tb ? '+' : ''}${fenText(ta - tb)}`))));
}

