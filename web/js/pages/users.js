// Admin: users and roles (GET/POST /api/users).
import { get, post, can, ROLE_LABEL } from '../api.js';
import { h, clear, table, reportError, showInfo, showError } from '../util.js';
import { loadSchema, regionName } from '../schema.js';

export async function render(main) {
  if (!can.admin()) { main.appendChild(h('div', { class: 'panel' }, h('p', { class: 'error-text' }, '无权访问：仅系统管理员可管理用户。'))); return; }
  let schema = null;
  try { schema = await loadSchema(); } catch (e) { /* names only */ }
  const panel = h('div', { class: 'panel' }, h('h2', null, '用户'));
  main.appendChild(panel);
  const listBox = h('div', { testid: 'users' });
  const name = h('input', { type: 'text', testid: 'user-new-name', placeholder: '用户名' });
  const role = h('select', { testid: 'user-new-role' }, Object.entries(ROLE_LABEL).map(([k, v]) => h('option', { value: k }, v)));
  const towns = h('input', { type: 'text', testid: 'user-new-townships', placeholder: '乡镇代码，多个以逗号分隔（经办人必填）', style: { width: '300px' } });
  const pw = h('input', { type: 'password', testid: 'user-new-password', placeholder: '初始密码', autocomplete: 'new-password' });
  const add = h('button', { type: 'button', class: 'btn btn-primary', testid: 'user-add' }, '新增用户');
  panel.append(listBox, h('h3', null, '新增用户'), h('div', { class: 'toolbar' }, name, role, towns, pw, add));
  const load = async () => {
    try {
      const { data } = await get('/api/users');
      const list = Array.isArray(data) ? data : (data.users || []);
      clear(listBox);
      listBox.appendChild(table([
        { title: '用户名', cell: (u) => u.user || u.name },
        { title: '角色', cell: (u) => ROLE_LABEL[u.role] || u.role },
        { title: '乡镇', cell: (u) => (u.townships || []).map((t) => (t.name ? `${t.name} ${t.code}` : `${(schema && regionName(schema, t)) || ''} ${t}`)).join('、') },
      ], list, { testid: 'users-table' }));
    } catch (e) { reportError(e); }
  };
  add.addEventListener('click', async () => {
    if (!name.value.trim() || !pw.value) { showError('请填写用户名和密码'); return; }
    try {
      await post('/api/users', { user: name.value.trim(), role: role.value,
        townships: towns.value.split(/[,，\s]+/).filter(Boolean), password: pw.value });
      showInfo(`已新增用户 ${name.value.trim()}`);
      name.value = ''; pw.value = ''; towns.value = '';
      load();
    } catch (e) { reportError(e, '新增失败'); }
  });
  await load();
}
