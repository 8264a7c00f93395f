/**
 * The only file that touches the transport. Under Electron the preload's window.redesk carries calls over IPC;
 * in browser mode the same calls go over the host's WebSocket. Everything else imports `api` and `onEvent`.
 */
import { API_METHODS, type ApiEventName, type ApiEvents, type ApiMethod, type RedeskApi } from '../../../main/common/api';
import { ApiError } from './ApiError';
import { WsRpc, type ConnectionState, type SocketLike } from './WsRpc';
import type { RedeskBridge } from './bridge';

interface Transport {
  call(method: ApiMethod, args: unknown[]): Promise<unknown>;
  onEvent(name: string, cb: (payload: unknown) => void): () => void;
  onState(listener: (s: ConnectionState) => void): () => void;
  onReopen(listener: () => void): () => void;
  readonly connection: ConnectionState;
}

const TOKEN_KEY = 'redesk.token';

/** The token from the page URL, remembered for the tab so a reload (or a URL without it) keeps working. */
function browserToken(): string {
  const fromUrl = new URLSearchParams(window.location.search).get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

function bridgeTransport(bridge: RedeskBridge): Transport {
  const open: ConnectionState = { status: 'open', failures: 0, everOpened: true };
  return {
    call: (method, args) => bridge.call(method, args).catch((e: unknown) => Promise.reject(ApiError.from(e))),
    onEvent: (name, cb) => bridge.onEvent(name, cb),
    // IPC to the main process cannot drop while the window lives.
    onState: () => () => undefined,
    onReopen: () => () => undefined,
    connection: open,
  };
}

function webSocketTransport(): Transport {
  const token = browserToken();
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const url = `${scheme}://${window.location.host}/ws?token=${encodeURIComponent(token)}`;
  const rpc = new WsRpc({ connect: () => new WebSocket(url) as unknown as SocketLike });
  return {
    call: (method, args) => rpc.call(method, args),
    onEvent: (name, cb) => rpc.onEvent(name, cb),
    onState: (l) => rpc.onState(l),
    onReopen: (l) => rpc.onReopen(l),
    get connection() {
      return rpc.connection;
    },
  };
}

const transport: Transport = window.redesk ? bridgeTransport(window.redesk) : webSocketTransport();

function buildApi(): RedeskApi {
  const api: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const method of API_METHODS) api[method] = (...args: unknown[]) => transport.call(method, args);
  return api as unknown as RedeskApi;
}

export const api: RedeskApi = buildApi();

export function onEvent<K extends ApiEventName>(name: K, listener: (payload: ApiEvents[K]) => void): () => void {
  return transport.onEvent(name, listener as (p: unknown) => void);
}

export function onConnectionState(listener: (s: ConnectionState) => void): () => void {
  return transport.onState(listener);
}

export function onReconnected(listener: () => void): () => void {
  return transport.onReopen(listener);
}

export function connectionState(): ConnectionState {
  return transport.connection;
}

export const transportKind: 'ipc' | 'websocket' = window.redesk ? 'ipc' : 'websocket';
