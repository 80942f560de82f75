// The patient's screens: Today (doses, as-needed), history and adherence,
// caregivers and invitations, and the dispenser.
import { call, act, OfflineError } from './api.js';
import * as kv from './kv.js';
import { t, time, dateTime } from './i18n.js';
import { h, say, explain, screen, field } from './ui.js';

/** today renders today's doses; focusDose highlights one (from a notification). */
export async function today(focusDose) {
  let v;
  try {
    v = await call('GET', '/v1/me/today');
    await kv.set('today', v);
  } catch (e) {
    if (!(e instanceof OfflineError)) throw e;
    v = await kv.get('today');
    say(t('offline'), 'info');
    if (!v) return screen(t('todayTitle'), h('p', {}, t('offline')));
  }
  const queued = new Set((await kv.queued()).map((a) => a.key.split(':')[1]));
  const list = v.items.length
    ? h('ul', { class: 'cards', 'aria-label': t('todayTitle') }, v.items.map((d) => doseCard(d, v.time_zone, queued.has(String(d.id)))))
    : h('p', {}, t('noDoses'));
  const prn = v.as_needed?.length ? h('section', { 'aria-labelledby': 'prn-h' }, h('h2', { id: 'prn-h' }, t('asNeeded')),
    h('ul', { class: 'cards' }, v.as_needed.map((p) => prnCard(p, v.time_zone)))) : null;
  screen(t('todayTitle'), h('p', { class: 'muted' }, t('timeZoneNote', { zone: v.time_zone })), list, prn);
  if (focusDose) {
    const card = document.getElementById(`dose-${focusDose}`);
    card?.classList.add('focus');
    card?.querySelector('button')?.focus();
  }
}

function doseCard(d, zone, queued) {
  const med = [d.medication.name, d.medication.strength].filter(Boolean).join(' ');
  const state = queued ? 'queued' : d.state;
  const open = !queued && (d.state === 'pending' || d.state === 'missed');
  const detail = d.state === 'taken' ? t('takenAt', { time: time(d.taken_at, zone) }) + (d.dispenser_reported ? ` · ${t('fromDispenser')}` : '')
    : d.state === 'skipped' ? t('skippedWhy', { reason: d.skip_reason })
    : d.snoozed_until ? t('snoozedUntil', { time: time(d.snoozed_until, zone) }) : '';
  return h('li', { class: `card dose ${state}`, id: `dose-${d.id}`, 'aria-labelledby': `dose-${d.id}-h` },
    h('div', { class: 'row' }, h('span', { class: 'when' }, localTime(d, zone)), h('span', { class: `badge ${state}` }, t('st_' + state))),
    h('h2', { id: `dose-${d.id}-h`, class: 'med' }, med),
    h('p', {}, `${fmtQty(d.dose_quantity)} ${d.dose_unit}`, d.medication.form ? ` · ${d.medication.form}` : ''),
    detail ? h('p', { class: 'muted' }, detail) : null,
    open ? actions(d, med, zone) : null);
}

function actions(d, med, zone) {
  const box = h('div', { class: 'actions' },
    h('button', { class: 'primary', onclick: () => doAct(`take:${d.id}`, `/v1/doses/${d.id}/take`, undefined, 'recordedTaken', zone), 'aria-label': `${t('take')}: ${med}` }, t('take')),
    h('button', { onclick: () => skipForm(box, d, med, zone), 'aria-label': `${t('skip')}: ${med}` }, t('skip')),
    d.state === 'pending' ? h('button', { onclick: () => doAct(`snooze:${d.id}`, `/v1/doses/${d.id}/snooze`, { minutes: 15 }, 'snoozed', zone), 'aria-label': `${t('snooze')}: ${med}` }, t('snooze')) : null);
  return box;
}

function skipForm(box, d, med, zone) {
  const id = `reason-${d.id}`;
  const err = h('p', { class: 'error', id: `${id}-err`, role: 'alert' });
  const input = h('textarea', { id, name: 'reason', rows: 2, maxlength: 200, 'aria-describedby': `${id}-err` });
  const form = h('form', { class: 'skip-form', onsubmit: (e) => {
    e.preventDefault();
    if (!input.value.trim()) { err.textContent = t('reasonRequired'); input.setAttribute('aria-invalid', 'true'); input.focus(); return; }
    doAct(`skip:${d.id}`, `/v1/doses/${d.id}/skip`, { reason: input.value.trim() }, 'recordedSkipped', zone);
  } },
  h('label', { for: id }, t('skipReason'), h('span', { class: 'visually-hidden' }, ` (${med})`)), input, err,
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('skipConfirm')),
    h('button', { type: 'button', onclick: () => today() }, t('cancel'))));
  box.replaceWith(form);
  input.focus();
}

// doAct sends a dose action (queued when offline) and re-renders Today.
async function doAct(key, path, body, okKey, zone) {
  try {
    const r = await act(key, 'POST', path, body);
    await today();
    say(r?.queued ? t('queued') : t(okKey), r?.queued ? 'info' : 'ok');
  } catch (e) {
    await today().catch(() => {});
    say(explain(e, zone), 'error');
  }
}

function prnCard(p, zone) {
  const med = [p.medication.name, p.medication.strength].filter(Boolean).join(' ');
  const limit = p.limit ? t('limitInfo', { count: p.limit.count, period: `${p.limit.period} ${p.limit.period_unit || p.limit.periodUnit || ''}`.trim() }) : '';
  const next = p.next_allowed_at ? t('nextAllowed', { time: time(p.next_allowed_at, zone) }) : t('allowedNow');
  return h('li', { class: 'card prn', id: `prn-${p.regimen_id}` }, h('h3', { class: 'med' }, med),
    h('p', {}, `${fmtQty(p.dose_quantity)} ${p.dose_unit}`), limit ? h('p', { class: 'muted' }, limit) : null,
    h('p', { class: 'next' }, next),
    h('button', { class: 'primary', onclick: () => logPRN(p, zone) }, t('logDose', { med })));
}

async function logPRN(p, zone) {
  try {
    await call('POST', '/v1/me/prn', { regimen_id: p.regimen_id });
    await today();
    say(t('logged'), 'ok');
  } catch (e) {
    await today().catch(() => {});
    say(explain(e, zone), 'error');
  }
}

function localTime(d, zone) { return d.as_needed ? time(d.taken_at || d.scheduled_at, zone) : time(d.scheduled_at, zone); }
function fmtQty(q) { return Number.isInteger(q) ? String(q) : String(q ?? ''); }

/** history shows adherence for 7/30/90 days, with its definition, and recent doses. */
export async function history() {
  const [adh, doses, me] = await Promise.all([call('GET', '/v1/me/adherence'), call('GET', '/v1/me/doses?limit=50'), kv.get('today')]);
  const zone = me?.time_zone;
  const windows = h('ul', { class: 'stats' }, adh.windows.map((w) => h('li', { class: 'stat' },
    h('span', { class: 'big' }, w.taking_adherence == null ? '—' : `${Math.round(w.taking_adherence * 100)}%`),
    h('span', {}, t('days', { n: w.days })),
    h('span', { class: 'muted' }, w.scheduled ? t('takenOf', { taken: w.taken, scheduled: w.scheduled }) : t('noData')))));
  const items = (doses.items || []).map((d) => h('li', { class: 'line' },
    h('span', {}, `${d.local_date} ${d.local_time}`), h('span', {}, d.medication.name), h('span', { class: `badge ${d.state}` }, t('st_' + d.state))));
  screen(t('adherenceTitle'), windows, h('p', { class: 'definition' }, h('strong', {}, `${t('definition')}: `), adh.definition),
    h('h2', {}, t('recent')), h('ul', { class: 'lines' }, items));
  void zone;
}

/** people lists caregivers and invitations, and invites a new one. */
export async function people() {
  const links = await call('GET', '/v1/me/links?state=all');
  const rows = (links.items || []).filter((l) => l.state !== 'ended').map((l) => {
    const name = l.caregiver?.name || l.invite_email;
    return h('li', { class: 'card' }, h('h2', {}, name), h('p', {}, l.state === 'active' ? t('active') : t('pending')),
      h('button', { onclick: async () => { try { await call('DELETE', `/v1/links/${l.id}`); await people(); say(t('ended'), 'ok'); } catch (e) { say(explain(e), 'error'); } } },
        t('endLink', { name })));
  });
  const form = h('form', { onsubmit: async (e) => {
    e.preventDefault();
    const email = form.elements.email.value.trim();
    try { await call('POST', '/v1/me/links', { email }); await people(); say(t('invited'), 'ok'); } catch (err) { say(explain(err), 'error'); }
  } }, h('h2', {}, t('invite')), field(t('inviteEmail'), { name: 'email', type: 'email', required: true, autocomplete: 'email' }),
  h('button', { type: 'submit', class: 'primary' }, t('sendInvite')));
  screen(t('caregiversTitle'), rows.length ? h('ul', { class: 'cards' }, rows) : h('p', {}, t('noCaregivers')), form);
}

/** dispenser shows the patient's dispenser and its latest activity, and
 * refreshes it every 30 s while on screen (without moving focus), so the
 * dispenser's live activity appears as it happens. */
export async function dispenser(refresh) {
  const v = await call('GET', '/v1/me/dispenser');
  const body = !v.dispenser ? [h('p', {}, t('dispNone'))] : dispenserBody(v);
  if (refresh) document.querySelector('main h1')?.after(...body);
  else screen(t('dispTitle'), ...body);
  if (v.dispenser) setTimeout(() => {
    if (location.hash !== '#/dispenser' || document.visibilityState !== 'visible') return;
    const h1 = document.querySelector('main h1');
    while (h1?.nextSibling) h1.nextSibling.remove();
    dispenser(true).catch(() => {});
  }, 30000);
}

function dispenserBody(v) {
  const d = v.dispenser;
  return [h('div', { class: 'card' },
    h('h2', {}, d.serial, ' ', h('span', { class: `badge ${d.online ? 'taken' : 'missed'}` }, d.online ? t('dispOnline') : t('dispOffline'))),
    h('p', {}, t('lastSeen', { time: d.last_seen_at ? dateTime(d.last_seen_at, v.time_zone) : t('never') })),
    d.battery_pct != null ? h('p', {}, t('battery', { pct: d.battery_pct })) : null),
  h('h2', {}, t('recentActivity')),
  h('ul', { class: 'lines' }, (v.events || []).map((e) => h('li', { class: 'line' }, h('span', {}, dateTime(e.occurred_at, v.time_zone)), h('span', {}, t('ev_' + e.kind)))))];
}
