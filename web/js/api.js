// api.js — the one place that talks to the server: JSON in and out, the CSRF header, errors in Chinese,
// 401 back to the login page. The CSRF token lives in memory only (reloaded from GET /api/me on page load).

export const session = {
  me: null,      // {user, role, csrf, townships:[{code,name}]}
  csrf: null,
};

const CODE_TEXT = {
  unauthenticated: '未登录或登录已过期',
  forbidden: '无权访问',
  csrf: '请求未带有效的安全令牌 (CSRF)，请刷新页面后重试',
  not_found: '未找到',
  bad_json: '请求内容不是有效的 JSON',
  invalid_record: '家庭记录有误',
  bad_request: '请求有误',
  conflict: '与现有数据冲突',
  precondition_failed: '他人已在此期间保存了新的版本',
  too_large: '提交的内容过大',
  busy: '批量认定正在进行，请稍后再试',
  internal: '服务器内部错误',
  network: '无法连接服务器',
};

const STATUS_CODE = { 400: 'bad_request', 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found',
  409: 'conflict', 412: 'precondition_failed', 413: 'too_large', 500: 'internal' };

export class ApiError extends Error {
  constructor(status, err) {
    const code = err.code || STATUS_CODE[status] || 'internal';
    const message = err.message || CODE_TEXT[code] || `请求失败 (HTTP ${status})`;
    super(message);
    this.status = status;
    this.code = code;
    this.field = err.field || null;
    this.errors = Array.isArray(err.errors) ? err.errors : [];
  }
  /** The message to show a user: the code's meaning, then the server's sentence when it adds something. */
  get text() {
    const head = CODE_TEXT[this.code];
    if (!head) return this.message;
    if (!this.message || this.message === head) return head;
    return `${head}：${this.message}`;
  }
}

let onUnauthenticated = () => {};
export function setUnauthenticatedHandler(fn) { onUnauthenticated = fn; }

const NO_CSRF = new Set(['/api/login']);

/**
 * api('GET', '/api/households', null, {query:{q:'x'}}) → {status, data, etag, headers}.
 * Throws ApiError for any status ≥ 400 (after sending a 401 to the login page unless opts.quiet401).
 */
export async function api(method, path, body, opts = {}) {
  let url = path;
  if (opts.query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) if (v !== undefined && v !== null && v !== '') qs.set(k, v);
    const s = qs.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  if (body !== undefined && body !== null) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && session.csrf && !NO_CSRF.has(path)) headers['X-Entitle-CSRF'] = session.csrf;
  let res;
  try {
    res = await fetch(url, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body !== undefined && body !== null ? JSON.stringify(body) : undefined,
    });
  } catch (e) {
    throw new ApiError(0, { code: 'network', message: CODE_TEXT.network });
  }
  const ctype = res.headers.get('Content-Type') || '';
  let data = null;
  if (opts.text) data = await res.text();
  else if (ctype.includes('json')) {
    const t = await res.text();
    try { data = t ? JSON.parse(t) : null; } catch (e) { data = null; }
  } else {
    data = await res.text();
  }
  if (!res.ok) {
    let err = {};
    if (data && typeof data === 'object' && data.error) err = data.error;
    else if (typeof data === 'string' && data.trim().startsWith('{')) {
      try { err = JSON.parse(data).error || {}; } catch (e) { /* not JSON */ }
    }
    const e = new ApiError(res.status, err);
    if (res.status === 401 && !opts.quiet401 && path !== '/api/login') {
      session.me = null; session.csrf = null;
      onUnauthenticated(e);
    }
    throw e;
  }
  return { status: res.status, data, etag: res.headers.get('ETag'), headers: res.headers };
}

export const get = (path, query, opts = {}) => api('GET', path, null, { ...opts, query });
export const post = (path, body, opts) => api('POST', path, body ?? {}, opts);
export const put = (path, body, opts) => api('PUT', path, body, opts);

export async function login(user, password) {
  const { data } = await api('POST', '/api/login', { user, password });
  session.me = data;
  session.csrf = data.csrf;
  return data;
}

export async function loadMe() {
  try {
    const { data } = await api('GET', '/api/me', null, { quiet401: true });
    session.me = data;
    session.csrf = data.csrf;
    return data;
  } catch (e) {
    if (e.status === 401) { session.me = null; session.csrf = null; return null; }
    throw e;
  }
}

export async function logout() {
  try { await api('POST', '/api/logout', {}, { quiet401: true }); } catch (e) { /* already gone */ }
  session.me = null;
  session.csrf = null;
}

export function role() { return session.me ? session.me.role : null; }
export const can = {
  edit: () => ['caseworker', 'county'].includes(role()),
  decide: () => ['caseworker', 'county'].includes(role()),
  county: () => role() === 'county',
  audit: () => ['county', 'auditor'].includes(role()),
  auditLog: () => ['county', 'auditor', 'admin'].includes(role()),
  households: () => ['caseworker', 'county', 'auditor'].includes(role()),
  admin: () => role() === 'admin',
};

export const ROLE_LABEL = { caseworker: '乡镇经办人', county: '县民政局', auditor: '审计', admin: '系统管理员' };
