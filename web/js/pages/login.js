// Login: POST /api/login; the CSRF token is kept in memory by api.js.
import { login } from '../api.js';
import { h } from '../util.js';

export function render(main, route, app) {
  const user = h('input', { type: 'text', id: 'login-user', name: 'username', autocomplete: 'username', testid: 'login-user', required: true });
  const pw = h('input', { type: 'password', id: 'login-password', name: 'password', autocomplete: 'current-password', testid: 'login-password', required: true });
  const err = h('div', { class: 'field-error', testid: 'login-error', role: 'alert' });
  const btn = h('button', { type: 'submit', class: 'btn btn-primary btn-block', testid: 'login-submit' }, '登录');
  const form = h('form', { class: 'login-form', testid: 'login-form', onsubmit: async (e) => {
    e.preventDefault();
    err.textContent = '';
    if (!user.value.trim() || !pw.value) { err.textContent = '请输入用户名和密码'; return; }
    btn.disabled = true;
    try {
      await login(user.value.trim(), pw.value);
      app.onLogin();
    } catch (ex) {
      err.textContent = ex.status === 401 ? '用户名或密码不正确' : (ex.text || String(ex));
      pw.select();
    } finally { btn.disabled = false; }
  } },
  h('h2', null, '用户登录'),
  h('div', { class: 'field' }, h('label', { for: 'login-user' }, '用户名'), user),
  h('div', { class: 'field' }, h('label', { for: 'login-password' }, '密码'), pw),
  err, btn,
  h('p', { class: 'muted small' }, '乡镇经办人录入和认定本辖区家庭；县民政局批量认定、调整标准；审计人员查阅与追溯。'));
  main.appendChild(h('div', { class: 'login-wrap' }, form));
  user.focus();
}
