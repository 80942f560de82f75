// Small DOM helpers: element building without innerHTML (no injection),
// the status line read by screen readers, and 409 reasons in plain words.
import { t, time } from './i18n.js';
import { ApiError, OfflineError } from './api.js';

/** h builds an element: h('button', {class: 'x', onclick}, 'text', child…). */
export function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) {
    if (kid === undefined || kid === null || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

/** say shows msg in the page's live region (kind: ok | error | info). */
export function say(msg, kind = 'info') {
  const el = document.getElementById('status');
  el.className = `status ${kind}`;
  el.textContent = '';
  // A fresh text node makes screen readers announce a repeated message too.
  requestAnimationFrame(() => { el.textContent = msg; });
}

/** explain turns an API error into plain words, generically from its
 * reason (409 already_taken, prn_limit, too_early/too_late with a window…). */
export function explain(err, zone) {
  if (err instanceof OfflineError) return t('queued');
  if (!(err instanceof ApiError)) return t('error');
  const p = err.problem;
  const reason = err.reason;
  if (reason === 'already_taken') return t('r_already_taken', { at: p.taken_at ? ` (${time(p.taken_at, zone)})` : '' });
  if (reason === 'prn_limit') return t('r_prn_limit', { next: p.next_allowed_at ? ' ' + t('nextAllowed', { time: time(p.next_allowed_at, zone) }) : '' });
  if (reason === 'too_early' || reason === 'too_late') return t('r_' + reason, { window: windowText(p, zone) });
  const known = t('r_' + reason);
  if (reason && known !== 'r_' + reason) return known;
  if (err.status === 401) return t('r_unauthorized');
  if (err.status === 404) return t('r_not_found');
  return p.detail || t('r_generic');
}

// windowText reads the recording window however the problem names it.
function windowText(p, zone) {
  const w = p.window || {};
  const from = w.from || w.start || w.opens_at || p.window_start || p.opens_at;
  const to = w.to || w.end || w.closes_at || p.window_end || p.closes_at;
  return from && to ? t('r_window', { from: time(from, zone), to: time(to, zone) }) : '';
}

/** field is a labelled input. */
export function field(label, attrs) {
  const id = attrs.id || `f-${attrs.name}`;
  return h('div', { class: 'field' }, h('label', { for: id }, label), h('input', { ...attrs, id }));
}

/** screen replaces the main content and moves focus to its heading. */
export function screen(title, ...kids) {
  const main = document.getElementById('main');
  const h1 = h('h1', { tabindex: '-1' }, title);
  main.replaceChildren(h1, ...kids);
  document.title = `${title} · DoseLoop`;
  h1.focus();
}
