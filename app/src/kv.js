// A tiny IndexedDB store shared by the page and the service worker: the
// session (so a notification's action can call the API without the app
// open), the queue of actions taken offline, and cached screens.
const DB = 'doseloop-app';
let opening;

function open() {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('kv');
      req.result.createObjectStore('queue', { keyPath: 'key' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return opening;
}

async function run(store, mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const req = fn(tx.objectStore(store));
    tx.oncomplete = () => resolve(req?.result);
    tx.onerror = () => reject(tx.error);
  });
}

/** get reads a value ("session", "lang", …). */
export const get = (key) => run('kv', 'readonly', (s) => s.get(key));
/** set writes a value; undefined deletes it. */
export const set = (key, value) => run('kv', 'readwrite', (s) => (value === undefined ? s.delete(key) : s.put(value, key)));
/** enqueue saves an action taken offline; its key makes a repeat a no-op. */
export const enqueue = (action) => run('queue', 'readwrite', (s) => s.put(action));
/** queued lists the saved actions, oldest first. */
export const queued = async () => ((await run('queue', 'readonly', (s) => s.getAll())) || []).sort((a, b) => a.at - b.at);
/** dequeue removes a sent action. */
export const dequeue = (key) => run('queue', 'readwrite', (s) => s.delete(key));
