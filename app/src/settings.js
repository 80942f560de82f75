// Preferences (language, zone and travel policy, quiet hours, private lock
// screen), push status, sign-out.
import { call } from './api.js';
import { t, setLanguage } from './i18n.js';
import { h, say, explain, screen, field } from './ui.js';
import { pushState, enablePush } from './push.js';

/** settings renders the preferences form; patients also see zone and travel. */
export async function settings(role, onSignOut) {
  const p = await call('GET', '/v1/me/preferences');
  const lang = (p.locale || 'en').slice(0, 2);
  const form = h('form', { onsubmit: (e) => save(e, form, role) },
    h('div', { class: 'field' }, h('label', { for: 'f-locale' }, t('language')),
      h('select', { id: 'f-locale', name: 'locale' }, ['en', 'es'].map((l) => h('option', { value: l, selected: l === lang }, t('lang_' + l))))),
    role === 'patient' ? [
      field(t('zone'), { name: 'time_zone', value: p.time_zone || '', autocomplete: 'off', spellcheck: 'false' }),
      h('fieldset', {}, h('legend', {}, t('travel')),
        radio('travel_policy', 'home', t('travelHome'), p.travel_policy !== 'local'),
        radio('travel_policy', 'local', t('travelLocal'), p.travel_policy === 'local')),
    ] : null,
    field(t('quietStart'), { name: 'quiet_start', type: 'time', value: p.quiet_start || '' }),
    field(t('quietEnd'), { name: 'quiet_end', type: 'time', value: p.quiet_end || '' }),
    h('div', { class: 'check' }, h('input', { type: 'checkbox', id: 'f-private', name: 'lock_screen_private', checked: p.lock_screen_private }),
      h('label', { for: 'f-private' }, t('privateLock'))),
    h('button', { type: 'submit', class: 'primary' }, t('save')));
  screen(t('prefsTitle'), form, await pushSection(), h('button', { class: 'signout', onclick: onSignOut }, t('signOut')));
}

function radio(name, value, label, checked) {
  const id = `f-${name}-${value}`;
  return h('div', { class: 'check' }, h('input', { type: 'radio', id, name, value, checked }), h('label', { for: id }, label));
}

async function save(e, form, role) {
  e.preventDefault();
  const f = form.elements;
  const body = { locale: f.locale.value, quiet_start: f.quiet_start.value, quiet_end: f.quiet_end.value, lock_screen_private: f.lock_screen_private.checked };
  if (role === 'patient') Object.assign(body, { time_zone: f.time_zone.value.trim(), travel_policy: f.travel_policy.value });
  try {
    await call('PATCH', '/v1/me/preferences', body);
    setLanguage(body.locale);
    dispatchEvent(new CustomEvent('language-changed'));
    say(t('saved'), 'ok');
  } catch (err) { say(explain(err), 'error'); }
}

async function pushSection() {
  const state = await pushState();
  const msg = { off: 'pushOff', on: 'pushOn', denied: 'pushDenied', unsupported: 'pushUnsupported', ask: null }[state];
  const box = h('section', { 'aria-labelledby': 'push-h', id: 'push' }, h('h2', { id: 'push-h' }, t('pushTitle')));
  if (msg) box.append(h('p', { id: 'push-state', 'data-state': state }, t(msg)));
  else box.append(h('button', { id: 'push-enable', onclick: async () => {
    try { const s = await enablePush(); box.replaceWith(await pushSection()); say(t(s === 'on' ? 'pushOn' : 'pushDenied'), 'info'); } catch (err) { say(explain(err), 'error'); }
  } }, t('pushEnable')));
  return box;
}
