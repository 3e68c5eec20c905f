// app.js — the application shell: session, header, navigation by role, hash routes.
import { session, loadMe, logout, setUnauthenticatedHandler, ROLE_LABEL, can } from './api.js';
import { h, clear, parseHash, go, clearError, reportError, showInfo } from './util.js';
import * as loginPage from './pages/login.js';
import * as householdsPage from './pages/households.js';
import * as householdPage from './pages/household.js';
import * as countyPage from './pages/county.js';
import * as auditPage from './pages/audit.js';
import * as usersPage from './pages/users.js';

const main = document.getElementById('app');
let current = null;       // {module, dispose}
let returnTo = null;      // the route to go back to after logging in again

setUnauthenticatedHandler(() => {
  const r = location.hash;
  if (!r.startsWith('#/login')) returnTo = r;
  updateHeader();
  showInfo('登录已过期或尚未登录，请重新登录。', 6000);
  go('#/login');
});

function homeRoute() {
  const r = session.me?.role;
  if (r === 'county') return '#/county';
  if (r === 'auditor') return '#/audit';
  if (r === 'admin') return '#/users';
  return '#/households';
}

function navItems() {
  const items = [];
  if (can.households()) items.push(['#/households', '家庭档案', 'nav-households']);
  if (can.county()) items.push(['#/county', '批量认定', 'nav-county'], ['#/county/standards', '标准与调整', 'nav-standards'],
    ['#/county/template', '告知书模板', 'nav-template']);
  if (can.audit()) items.push(['#/audit', '决定追溯', 'nav-replay']);
  if (can.auditLog()) items.push(['#/audit/log', '操作日志', 'nav-audit-log']);
  if (session.me) items.push(['#/catalogue', '规则目录', 'nav-catalogue']);
  if (can.admin()) items.push(['#/users', '用户', 'nav-users']);
  return items;
}

function updateHeader() {
  const nav = document.querySelector('[data-testid="nav"]');
  const box = document.querySelector('[data-testid="userbox"]');
  clear(nav);
  if (!session.me) { nav.hidden = true; box.hidden = true; return; }
  const here = location.hash || '#/';
  const items = navItems();
  // the longest matching prefix is the current item
  let best = null;
  for (const [href] of items) if (here === href || here.startsWith(href + '/') || here.startsWith(href + '?')) if (!best || href.length > best.length) best = href;
  if (!best && here.startsWith('#/household')) best = '#/households';
  for (const [href, text, tid] of items) nav.appendChild(h('a', { href, testid: tid, class: href === best ? 'active' : '' }, text));
  nav.hidden = false;
  box.hidden = false;
  document.querySelector('[data-testid="user-name"]').textContent = session.me.user;
  document.querySelector('[data-testid="user-role"]').textContent = ROLE_LABEL[session.me.role] || session.me.role;
  const towns = (session.me.townships || []).map((t) => t.name || t.code || t);
  const tEl = document.querySelector('[data-testid="user-townships"]');
  tEl.textContent = towns.length ? towns.join('、') : (session.me.role === 'caseworker' ? '' : '全县');
  tEl.title = (session.me.townships || []).map((t) => `${t.name || ''} ${t.code || t}`).join('\n');
}

document.querySelector('[data-testid="logout"]').addEventListener('click', async () => {
  await logout();
  returnTo = null;
  updateHeader();
  go('#/login');
});

let routeSeq = 0;
async function route() {
  const seq = ++routeSeq;
  if (current && current.dispose) { try { current.dispose(); } catch (e) { /* ignore */ } }
  current = null;
  clearError();
  const r = parseHash();
  const [a, b] = r.parts;
  if (!session.me && a !== 'login') { returnTo = location.hash; go('#/login'); return; }
  if (a === 'login' && session.me) { go(homeRoute()); return; }
  updateHeader();
  clear(main);
  let mod = null;
  let args = r;
  if (a === 'login') mod = loginPage;
  else if (!a) { go(homeRoute()); return; }
  else if (a === 'households') mod = householdsPage;
  else if (a === 'household') mod = householdPage;
  else if (a === 'county' || a === 'catalogue') mod = countyPage;
  else if (a === 'audit') mod = auditPage;
  else if (a === 'users') mod = usersPage;
  if (!mod) {
    main.appendChild(h('div', { class: 'panel' }, h('h2', null, '页面不存在'), h('p', null, h('a', { href: homeRoute() }, '返回首页'))));
    return;
  }
  document.body.dataset.page = a || 'home';
  // Each route renders into a view of its own: a page still loading when the user moves on finishes into a view
  // that is no longer shown, and is disposed of at once.
  const view = h('div', { class: 'view', testid: 'view' });
  main.appendChild(view);
  try {
    const dispose = await mod.render(view, args, { onLogin: afterLogin });
    if (seq !== routeSeq) { if (dispose) try { dispose(); } catch (e) { /* ignore */ } return; }
    current = { dispose };
  } catch (e) {
    if (seq === routeSeq) reportError(e);
  }
}

function afterLogin() {
  updateHeader();
  const to = returnTo && !returnTo.startsWith('#/login') ? returnTo : homeRoute();
  returnTo = null;
  go(to);
}

window.addEventListener('hashchange', route);

(async function start() {
  try { await loadMe(); } catch (e) { reportError(e); }
  updateHeader();
  route();
})();
