// Household list: search by 户主姓名, 身份证号 or 户编号, filter by township, paging.
import { get, can, session } from '../api.js';
import { h, clear, go, hashWith, enc, table, reportError } from '../util.js';
import { loadSchema, townshipsFor, regionName } from '../schema.js';

const PAGE = 20;

export async function render(main, route) {
  const q = route.query.q || '';
  const township = route.query.township || '';
  const page = Math.max(1, Number(route.query.page || 1));
  const schema = await loadSchema();
  const towns = townshipsFor(schema, session.me);

  const qInput = h('input', { type: 'search', value: q, placeholder: '户主姓名、身份证号或户编号', testid: 'search-q', class: 'search' });
  const tSel = h('select', { testid: 'filter-township' }, h('option', { value: '' }, '全部乡镇'),
    towns.map((t) => h('option', { value: t.code.slice(0, 9), selected: township === t.code.slice(0, 9) || township === t.code }, t.name)));
  const submit = (e) => { e && e.preventDefault(); go(hashWith('#/households', { q: qInput.value.trim(), township: tSel.value })); };
  tSel.addEventListener('change', submit);
  const toolbar = h('form', { class: 'toolbar', onsubmit: submit, testid: 'search-form' },
    qInput, tSel, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'search-submit' }, '查询'),
    h('span', { class: 'spacer' }),
    can.edit() ? h('a', { class: 'btn', href: '#/household/new', testid: 'new-household' }, '＋ 新建家庭') : null);

  const results = h('div', { testid: 'household-results' }, h('p', { class: 'muted' }, '正在查询……'));
  main.appendChild(h('div', { class: 'panel' }, h('h2', null, '家庭档案'), toolbar, results));

  let data;
  try {
    ({ data } = await get('/api/households', { q, township, limit: PAGE, offset: (page - 1) * PAGE }));
  } catch (e) {
    clear(results);
    reportError(e, '查询失败');
    return;
  }
  const list = data.households || [];
  const total = data.total ?? list.length;
  clear(results);
  results.appendChild(table([
    { title: '户编号', cell: (r) => h('a', { href: `#/household/${enc(r.id)}`, testid: `open-${r.id}` }, r.id) },
    { title: '户主', cell: (r) => r.head_name || '—' },
    { title: '户主身份证号', cell: (r) => h('span', { class: 'mono' }, r.head_id_number || '—') },
    { title: '乡镇', cell: (r) => r.township_name || regionName(schema, r.township || r.region) || r.region },
    { title: '人数', cell: (r) => String(r.members ?? ''), class: 'num' },
    { title: '版本', cell: (r) => String(r.version ?? ''), class: 'num' },
    { title: '', cell: (r) => h('span', { class: 'row-actions' },
      h('a', { href: `#/household/${enc(r.id)}/decide` }, '认定'), ' ',
      h('a', { href: `#/household/${enc(r.id)}/history` }, '历史')) },
  ], list, { testid: 'household-table', rowTestid: (r) => `household-row-${r.id}`, empty: q ? '没有符合条件的家庭' : '暂无家庭档案' }));
  const pages = Math.max(1, Math.ceil(total / PAGE));
  const nav = (p) => hashWith('#/households', { q, township, page: p > 1 ? p : '' });
  results.appendChild(h('div', { class: 'pager' },
    h('span', { testid: 'page-info' }, `共 ${total} 户，第 ${page} / ${pages} 页`),
    page > 1 ? h('a', { class: 'btn btn-small', href: nav(page - 1), testid: 'page-prev' }, '上一页') : h('span', { class: 'btn btn-small disabled' }, '上一页'),
    page < pages ? h('a', { class: 'btn btn-small', href: nav(page + 1), testid: 'page-next' }, '下一页') : h('span', { class: 'btn btn-small disabled' }, '下一页')));
}
