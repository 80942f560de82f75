// The caregiver's screens: patients at a glance, a patient's day, the
// alerts inbox (with delivery status), acknowledge, mute, invitations.
import { call, act } from './api.js';
import { t, time, dateTime } from './i18n.js';
import { h, say, explain, screen } from './ui.js';

/** glance lists linked patients: on track today, or who missed what. */
export async function glance() {
  const list = await call('GET', '/v1/caregiver/patients');
  const items = (list.items || []).map((g) => {
    const missed = g.doses.filter((d) => d.state === 'missed');
    const status = missed.length ? t('missedSome', { n: missed.length }) : t('onTrack');
    return h('li', { class: `card ${missed.length ? 'alert' : ''}` },
      h('h2', {}, g.patient.name),
      h('p', {}, h('span', { class: `badge ${missed.length ? 'missed' : 'taken'}` }, status),
        g.open_alerts ? ` · ${t('openAlerts', { n: g.open_alerts })}` : ''),
      missed.map((d) => h('p', { class: 'muted' }, `${time(d.scheduled_at, g.time_zone)} ${d.medication.name}`)),
      g.muted_until ? h('p', { class: 'muted' }, t('mutedUntil', { time: dateTime(g.muted_until, g.time_zone) })) : null,
      h('div', { class: 'actions' },
        h('a', { class: 'button primary', href: `#/patient/${g.patient.id}` }, t('viewDay', { name: g.patient.name })),
        h('button', { onclick: () => mute(g) }, g.muted_until ? t('unmute') : t('mute'))));
  });
  screen(t('glanceTitle'), items.length ? h('ul', { class: 'cards' }, items) : h('p', {}, t('noPatients')));
}

async function mute(g) {
  const until = g.muted_until ? null : new Date(Date.now() + 8 * 3600e3).toISOString();
  try { await call('PUT', `/v1/caregiver/patients/${g.patient.id}/mute`, { until }); await glance(); say(t('saved'), 'ok'); } catch (e) { say(explain(e), 'error'); }
}

/** patientDay shows one linked patient's doses today. */
export async function patientDay(id) {
  const [v, list] = await Promise.all([call('GET', `/v1/caregiver/patients/${id}/today`), call('GET', '/v1/caregiver/patients')]);
  const name = (list.items || []).find((g) => String(g.patient.id) === String(id))?.patient.name || '';
  const items = v.items.map((d) => h('li', { class: `card dose ${d.state}` },
    h('div', { class: 'row' }, h('span', { class: 'when' }, time(d.scheduled_at, v.time_zone)), h('span', { class: `badge ${d.state}` }, t('st_' + d.state))),
    h('h2', { class: 'med' }, [d.medication.name, d.medication.strength].filter(Boolean).join(' ')),
    h('p', {}, `${d.dose_quantity} ${d.dose_unit}`)));
  screen(t('patientDay', { name }), h('p', { class: 'muted' }, t('timeZoneNote', { zone: v.time_zone })),
    items.length ? h('ul', { class: 'cards' }, items) : h('p', {}, t('noDoses')),
    h('a', { class: 'button', href: '#/patients' }, t('back')));
}

/** alerts is the inbox: open alerts first, each with its delivery status. */
export async function alerts(focus) {
  const list = await call('GET', '/v1/caregiver/alerts?state=all');
  const items = (list.items || []).map((a) => {
    const open = !a.closed_at && !a.acknowledged_at;
    const kind = t('ak_' + a.kind);
    return h('li', { class: `card ${open ? 'alert' : ''}`, id: `alert-${a.id}` },
      h('h2', {}, `${a.patient.name}: ${kind}`, a.critical ? h('span', { class: 'badge missed' }, t('critical')) : null),
      h('p', {}, dateTime(a.opened_at)),
      a.acknowledged_at ? h('p', { class: 'muted' }, t('ackedBy', { time: dateTime(a.acknowledged_at) }))
        : a.closed_at ? h('p', { class: 'muted' }, t('closed', { reason: a.close_reason })) : null,
      a.deliveries?.length ? h('p', { class: 'muted' }, `${t('delivery')}: `,
        a.deliveries.map((d) => `${d.channel} ${t('dl_' + d.state)}`).join(', ')) : null,
      open ? h('button', { class: 'primary', onclick: () => ack(a), 'aria-label': `${t('ack')}: ${a.patient.name}, ${kind}` }, t('ack')) : null);
  });
  screen(t('alertsTitle'), items.length ? h('ul', { class: 'cards' }, items) : h('p', {}, t('noAlerts')));
  if (focus) document.getElementById(`alert-${focus}`)?.querySelector('button')?.focus();
}

async function ack(a) {
  try {
    const r = await act(`ack:${a.id}`, 'POST', `/v1/alerts/${a.id}/ack`);
    await alerts();
    say(r?.queued ? t('queued') : t('acked'), 'ok');
  } catch (e) { await alerts().catch(() => {}); say(explain(e), 'error'); }
}

/** invitations lists pending invitations to accept or decline. */
export async function invitations() {
  const list = await call('GET', '/v1/caregiver/invitations');
  const items = (list.items || []).map((i) => h('li', { class: 'card' },
    h('p', {}, t('invFrom', { name: i.patient.name })),
    h('div', { class: 'actions' },
      h('button', { class: 'primary', onclick: () => answer(i, 'accept', 'accepted'), 'aria-label': `${t('accept')}: ${i.patient.name}` }, t('accept')),
      h('button', { onclick: () => answer(i, 'decline', 'declined'), 'aria-label': `${t('decline')}: ${i.patient.name}` }, t('decline')))));
  screen(t('invTitle'), items.length ? h('ul', { class: 'cards' }, items) : h('p', {}, t('noInvitations')));
}

async function answer(i, verb, okKey) {
  try { await call('POST', `/v1/invitations/${i.id}/${verb}`); await invitations(); say(t(okKey), 'ok'); } catch (e) { say(explain(e), 'error'); }
}
