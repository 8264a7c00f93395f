/**
 * The only bridge between the sandboxed renderer and the services: one function per contract method, plus event
 * subscription. Never ipcRenderer itself.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { API_EVENTS, API_METHODS, type ApiEventName } from '../main/common/api';

const CALL_CHANNEL = 'redesk:call';
const EVENT_CHANNEL = 'redesk:event';

async function call(method: string, args: unknown[]): Promise<unknown> {
  if (!(API_METHODS as readonly string[]).includes(method)) throw new Error(`unknown method ${method}`);
  const r = (await ipcRenderer.invoke(CALL_CHANNEL, method, args)) as
    | { ok: true; value: unknown }
    | { ok: false; error: { code: string; message: string; hint?: string } };
  if (r.ok) return r.value;
  // contextBridge keeps only the message of an Error crossing worlds; a plain object keeps the stable code.
  throw { code: r.error.code, message: r.error.message, hint: r.error.hint };
}

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
ipcRenderer.on(EVENT_CHANNEL, (_e, name: string, payload: unknown) => {
  for (const l of listeners.get(name) ?? []) l(payload);
});

function onEvent(name: ApiEventName, cb: Listener): () => void {
  if (!(API_EVENTS as readonly string[]).includes(name)) throw new Error(`unknown event ${name}`);
  let set = listeners.get(name);
  if (!set) listeners.set(name, (set = new Set()));
  set.add(cb);
  return () => set.delete(cb);
}

const methods = Object.fromEntries(API_METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)]));

contextBridge.exposeInMainWorld('redesk', { call, onEvent, api: methods });
