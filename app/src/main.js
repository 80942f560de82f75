// The app shell: sign-in, the role's navigation, hash routes, the service
// worker, and sending actions queued offline when the connection returns.
import * as api from './api.js';
import * as kv from './kv.js';
import { t, setLanguage } from './i18n.js';
import { h, say, explain, screen, field } from './ui.js';
import * as patient from './patient.js';
import * as caregiver from './caregiver.js';
import { settings } from './settings.js';
import { refreshPush, forgetPush } from './push.js';

const tabs = {
  patient: [['#/today', 'today'], ['#/history', 'history'], ['#/people', 'people'], ['#/dispenser', 'dispenser'], ['#/settings', 'settings']],
  caregiver: [['#/patients', 'patients'], ['#/alerts', 'alerts'], ['#/invitations', 'invitations'], ['#/settings', 'settings']],
};

// routes maps a hash to a screen per role; :id parts are passed on.
const routes = {
  patient: { today: () => patient.today(), dose: (id) => patient.today(id), history: patient.history, people: patient.people, dispenser: patient.dispenser, settings: () => settings('patient', signOut) },
  caregiver: { patients: caregiver.glance, patient: caregiver.patientDay, alerts: caregiver.alerts, invitations: caregiver.invitations, settings: () => settings('caregiver', signOut) },
};

// route renders the screen for the hash. Calls run one after another, so
// the screen of the latest call is the one left on the page even when an
// earlier one (a refresh from the service worker) answers later.
let routing = Promise.resolve();
function route(e) {
  routing = routing.then(() => render(e)).catch(() => {});
  return routing;
}

async function render(e) {
  if (e?.type === 'hashchange') document.getElementById('status').textContent = '';
  const s = await api.session();
  if (!s) return signInScreen();
  const role = s.user.role;
  if (!routes[role]) return signInScreen(t('r_generic'));
  const [, name, id] = (location.hash || '').split('/');
  const go = routes[role][name];
  if (!go) { location.replace(tabs[role][0][0]); return; }
  nav(role, name);
  try { await go(id); } catch (e) {
    if (e instanceof api.ApiError && e.status === 401) return;
    screen(t('error'), h('p', {}, explain(e)), h('button', { onclick: () => route() }, t('retry')));
  }
}

function nav(role, current) {
  const el = document.getElementById('nav');
  el.hidden = false;
  el.replaceChildren(h('ul', {}, tabs[role].map(([href, key]) => h('li', {},
    h('a', { href, 'aria-current': href === `#/${current}` || (current === 'dose' && key === 'today') || (current === 'patient' && key === 'patients') ? 'page' : null }, t(key))))));
}

function signInScreen(notice) {
  document.getElementById('nav').hidden = true;
  const err = h('p', { class: 'error', id: 'login-err', role: 'alert' }, notice || '');
  const form = h('form', { id: 'login', onsubmit: async (e) => {
    e.preventDefault();
    const btn = form.querySelector('button');
    btn.disabled = true;
    btn.textContent = t('signingIn');
    try {
      const tok = await api.login(form.elements.email.value.trim(), form.elements.password.value);
      await startSession(tok);
      location.hash = tabs[tok.user.role]?.[0][0] || '#/';
      await route();
    } catch (ex) {
      err.textContent = ex instanceof api.ApiError && ex.status === 401 ? t('badLogin') : explain(ex);
      btn.disabled = false;
      btn.textContent = t('signIn');
    }
  } },
  field(t('email'), { name: 'email', type: 'email', autocomplete: 'username', required: true, 'aria-describedby': 'login-err' }),
  field(t('password'), { name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'aria-describedby': 'login-err' }),
  err, h('button', { type: 'submit', class: 'primary' }, t('signIn')));
  screen(t('signInTitle'), form);
}

// startSession picks the user's language and refreshes push registration.
async function startSession() {
  try {
    const p = await api.call('GET', '/v1/me/preferences');
    setLanguage(p.locale);
    await kv.set('lang', p.locale);
  } catch { /* keep the browser's language */ }
  refreshPush();
}

async function signOut() {
  await forgetPush();
  await api.logout();
  location.hash = '#/';
  signInScreen();
}

// sendQueued sends actions saved offline and says what happened to each.
async function sendQueued() {
  const done = await api.flush();
  if (!done.length) return;
  await route();
  const failed = done.find((d) => !d.ok);
  say(failed ? explain(failed.error) : t('sentQueued'), failed ? 'info' : 'ok');
}

async function boot() {
  setLanguage((await kv.get('lang')) || navigator.language);
  const skip = document.getElementById('skip');
  skip.textContent = t('skipLink');
  // The hash is the router's: the skip link moves focus instead.
  skip.addEventListener('click', (e) => { e.preventDefault(); document.querySelector('#main h1')?.focus(); });
  document.getElementById('nav').setAttribute('aria-label', t('mainNav'));
  addEventListener('hashchange', route);
  addEventListener('session-ended', () => signInScreen(t('sessionEnded')));
  addEventListener('language-changed', () => { kv.set('lang', document.documentElement.lang); route(); });
  addEventListener('online', sendQueued);
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/app/sw.js', { scope: '/app/', type: 'module' }).catch(() => {});
    navigator.serviceWorker.addEventListener('message', (e) => { if (e.data?.type === 'refresh') route(); });
  }
  await route();
  if ((await api.session()) && navigator.onLine) sendQueued();
  document.body.dataset.ready = '1';
}

boot();
