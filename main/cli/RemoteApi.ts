/**
 * A RedeskApi over the browser-mode WebSocket, for CLI commands that find a live host holding the data directory:
 * the host owns the attempts, so the CLI asks it instead of touching the files behind its back.
 */
import WebSocket from 'ws';
import { API_METHODS, type ApiEventName, type RedeskApi, type WireMessage } from '../common/api';
import { RedeskError } from '../common/errors';

export interface RemoteApiHandle {
  api: RedeskApi;
  /** The host's events (terminal output, attempt changes), as the app's windows get them. */
  onEvent(listener: (name: ApiEventName, payload: unknown) => void): () => void;
  close(): void;
}

export async function connectRemoteApi(port: number, token: string, host = '127.0.0.1'): Promise<RemoteApiHandle> {
  const origin = `http://${host}:${port}`;
  const ws = new WebSocket(`ws://${host}:${port}/ws?token=${token}`, { headers: { origin } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`host refused the connection (${res.statusCode})`)));
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const listeners = new Set<(name: ApiEventName, payload: unknown) => void>();
  ws.on('message', (raw) => {
    const msg = JSON.parse(raw.toString()) as WireMessage;
    if (msg.t === 'evt') for (const l of listeners) l(msg.name, msg.payload);
    if (msg.t !== 'res') return;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(RedeskError.fromData(msg.error));
  });
  ws.on('close', () => {
    for (const p of pending.values()) p.reject(new RedeskError('INTERNAL', 'the redesk host closed the connection'));
    pending.clear();
  });
  const api = {} as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of API_METHODS) {
    api[method] = (...args: unknown[]) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ t: 'req', id, method, args } satisfies WireMessage));
      });
  }
  const onEvent = (l: (name: ApiEventName, payload: unknown) => void) => {
    listeners.add(l);
    return () => listeners.delete(l);
  };
  return { api: api as unknown as RedeskApi, onEvent, close: () => ws.close() };
}
