// Web push: with the server's Firebase web config the app registers with
// the Firebase JS SDK (bundled in vendor/firebase.js) on the app's own
// service worker and sends the token to POST /v1/me/push-tokens (platform
// "web"). Without the config push is off and the app says so.
import { call } from './api.js';
import { language } from './i18n.js';
import * as kv from './kv.js';

let config;

/** webConfig loads /app/config.json once ({firebase: {...}|null}). */
export async function webConfig() {
  config ??= await fetch('/app/config.json').then((r) => r.json()).catch(() => ({ firebase: null }));
  return config;
}

/** pushState is "off" (no config), "unsupported", "denied", "on" or "ask". */
export async function pushState() {
  const c = await webConfig();
  if (!c.firebase) return 'off';
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  return (await kv.get('push-token')) && Notification.permission === 'granted' ? 'on' : 'ask';
}

/** enablePush asks permission, gets the FCM token and registers it. */
export async function enablePush() {
  const c = await webConfig();
  if (!c.firebase) return 'off';
  if ((await Notification.requestPermission()) !== 'granted') return 'denied';
  const fb = await import('./vendor/firebase.js');
  const app = fb.initializeApp(c.firebase);
  const reg = await navigator.serviceWorker.ready;
  const token = await fb.getToken(fb.getMessaging(app), { vapidKey: c.firebase.vapidKey, serviceWorkerRegistration: reg });
  await call('POST', '/v1/me/push-tokens', { platform: 'web', token, app_version: 'web-1', locale: language() });
  await kv.set('push-token', token);
  return 'on';
}

/** refreshPush re-sends a known token at start (keeps it fresh server-side). */
export async function refreshPush() {
  if ((await pushState()) !== 'on') return;
  try { await enablePush(); } catch { /* retried next start */ }
}

/** forgetPush removes this browser's token from the server at sign-out. */
export async function forgetPush() {
  const token = await kv.get('push-token');
  if (!token) return;
  try { await call('DELETE', `/v1/me/push-tokens/${encodeURIComponent(token)}`); } catch { /* best effort */ }
  await kv.set('push-token', undefined);
}
