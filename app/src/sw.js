// The service worker: caches the app shell and today's doses for a bad
// connection, shows push notifications with their action buttons (Taken,
// Snooze 15 min, Acknowledge) and performs those actions through the API
// without opening the app; a tap opens the dose or alert.
import { act, ApiError } from './api.js';
import * as kv from './kv.js';

const CACHE = 'doseloop-app-v1';
const SHELL = ['/app/', '/app/main.js', '/app/api.js', '/app/kv.js', '/app/i18n.js', '/app/ui.js', '/app/patient.js',
  '/app/caregiver.js', '/app/settings.js', '/app/push.js', '/app/styles.css', '/app/manifest.webmanifest',
  '/app/icon.svg', '/app/icon-192.png', '/app/config.json'];

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// Network first, the cache when offline: the app files and GET /v1/me/today.
self.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.origin !== location.origin) return;
  const today = url.pathname === '/v1/me/today' && !url.search;
  if (!url.pathname.startsWith('/app/') && !today) return;
  const key = e.request.mode === 'navigate' ? '/app/' : today ? '/v1/me/today' : url.pathname;
  e.respondWith(fetch(e.request).then((res) => {
    if (res.ok) { const copy = res.clone(); caches.open(CACHE).then((c) => c.put(key, copy)); }
    return res;
  }).catch(async () => (await caches.match(key)) || Response.error()));
});

/** payload reads an FCM web push: {notification, data, fcmOptions}. */
function payload(e) {
  try { return e.data ? e.data.json() : {}; } catch { return { notification: { body: e.data.text() } }; }
}

self.addEventListener('push', (e) => {
  const p = payload(e);
  const n = p.notification || {};
  const data = { ...(p.data || {}) };
  data.link ||= p.fcmOptions?.link || n.click_action || '/app/';
  e.waitUntil(self.registration.showNotification(n.title || 'DoseLoop', {
    body: n.body || '', tag: n.tag, lang: n.lang, icon: n.icon || '/app/icon-192.png', badge: n.badge,
    renotify: !!(n.renotify && n.tag), requireInteraction: !!n.requireInteraction, actions: n.actions || [], data,
  }));
});

// An action button acts through the API; a tap opens the linked screen.
self.addEventListener('notificationclick', (e) => e.waitUntil(onClick(e.notification, e.action)));

function onClick(n, action) {
  const data = n.data || {};
  n.close();
  return action ? perform(action, data) : open(data.link || '/app/');
}

// DevTools cannot press a notification's button, so the browser test posts
// {type: 'notification-click', tag, action}: the worker finds the shown
// notification and runs the same onClick a real press runs.
self.addEventListener('message', (e) => {
  if (e.data?.type !== 'notification-click') return;
  e.waitUntil(self.registration.getNotifications({ tag: e.data.tag }).then((ns) => ns[0] && onClick(ns[0], e.data.action)));
});

async function perform(action, data) {
  const calls = {
    take: [`take:${data.dose_id}`, `/v1/doses/${data.dose_id}/take`, undefined],
    snooze: [`snooze:${data.dose_id}`, `/v1/doses/${data.dose_id}/snooze`, { minutes: 15 }],
    ack: [`ack:${data.alert_id}`, `/v1/alerts/${data.alert_id}/ack`, undefined],
  };
  const c = calls[action];
  if (!c) return open(data.link || '/app/');
  let result = 'ok';
  try {
    const r = await act(c[0], 'POST', c[1], c[2]);
    if (r?.queued) result = 'queued';
  } catch (err) {
    // Already recorded (409) is an answer, not a failure: nothing is recorded twice.
    result = err instanceof ApiError && err.status === 409 ? 'conflict' : 'error';
    if (result === 'error') return open(data.link || '/app/');
  }
  await kv.set('last-notification-action', { action, result, at: Date.now(), dose_id: data.dose_id, alert_id: data.alert_id });
  for (const client of await self.clients.matchAll({ type: 'window' })) client.postMessage({ type: 'refresh' });
}

async function open(link) {
  const url = new URL(link, location.origin).href;
  for (const client of await self.clients.matchAll({ type: 'window', includeUncontrolled: true })) {
    if (new URL(client.url).pathname.startsWith('/app/') && 'focus' in client) {
      await client.focus();
      return client.navigate ? client.navigate(url).catch(() => client.postMessage({ type: 'refresh' })) : undefined;
    }
  }
  return self.clients.openWindow(url);
}
