// The API client: bearer tokens kept in IndexedDB (shared with the service
// worker), one refresh on a 401, problem+json errors as ApiError, and the
// offline queue for dose actions.
import * as kv from './kv.js';

/** ApiError is a problem+json answer (status, reason, detail, extras). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.reason = this.problem.reason || this.problem.code || '';
  }
}

/** OfflineError means the request never reached the server. */
export class OfflineError extends Error {}

let refreshing;

/** session returns the saved tokens and user, or undefined. */
export const session = () => kv.get('session');

/** login signs in and saves the session. */
export async function login(email, password) {
  const tok = await call('POST', '/v1/auth/login', { email, password }, { anonymous: true });
  await kv.set('session', tok);
  return tok;
}

/** logout ends the session on the server (best effort) and forgets it. */
export async function logout() {
  try { await call('POST', '/v1/auth/logout'); } catch { /* the session is forgotten anyway */ }
  await kv.set('session', undefined);
}

/** call sends one request and returns the decoded JSON (null for 204). */
export async function call(method, path, body, opts = {}) {
  let res = await send(method, path, body, opts);
  if (res.status === 401 && !opts.anonymous && (await refresh())) res = await send(method, path, body, opts);
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    if (res.status === 401 && !opts.anonymous) {
      await kv.set('session', undefined);
      dispatchEvent(new CustomEvent('session-ended'));
    }
    throw new ApiError(res.status, data);
  }
  return data;
}

async function send(method, path, body, opts) {
  const headers = { Accept: 'application/json' };
  const s = opts.anonymous ? null : await session();
  if (s) headers.Authorization = `Bearer ${s.access_token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    return await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch (e) {
    throw new OfflineError(String(e));
  }
}

// refresh rotates the refresh token once, however many calls hit a 401 together.
function refresh() {
  refreshing ??= (async () => {
    const s = await session();
    if (!s) return false;
    const res = await send('POST', '/v1/auth/refresh', { refresh_token: s.refresh_token }, { anonymous: true });
    if (!res.ok) return false;
    await kv.set('session', await res.json());
    return true;
  })().finally(() => { refreshing = undefined; });
  return refreshing;
}

/** act sends a dose or alert action; offline it is queued under key
 * ("take:42") and sent by flush later. Returns {queued:true} or the answer. */
export async function act(key, method, path, body) {
  try {
    return await call(method, path, body);
  } catch (e) {
    if (!(e instanceof OfflineError)) throw e;
    await kv.enqueue({ key, method, path, body, at: Date.now() });
    return { queued: true };
  }
}

/** flush sends the queued actions in order. A 409 means the server already
 * has an outcome for that dose: the action is dropped and the outcome shown,
 * never recorded twice. Returns [{key, ok, error}] for what was settled. */
export async function flush() {
  const done = [];
  for (const a of await kv.queued()) {
    try {
      await call(a.method, a.path, a.body);
      done.push({ key: a.key, ok: true });
    } catch (e) {
      if (e instanceof OfflineError) break;
      done.push({ key: a.key, ok: false, error: e });
    }
    await kv.dequeue(a.key);
  }
  return done;
}
