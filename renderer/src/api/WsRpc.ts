import type { ApiMethod, WireMessage, WireRequest } from '../../../main/common/api';
import { ApiError } from './ApiError';

/** The part of a browser WebSocket this class uses, so tests can hand it a fake. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Failed connection tries since the socket was last open. */
  failures: number;
  /** Whether the socket was ever open: a first connection that never opens usually means a bad token. */
  everOpened: boolean;
}

export interface WsRpcOptions {
  connect: () => SocketLike;
  setTimer?: (fn: () => void, ms: number) => unknown;
  /** Backoff between reconnection tries: the first wait, doubled each failure up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

const OPEN = 1;

interface Pending {
  text: string;
  /** Whether it went out on a socket; only those are lost when the socket drops. */
  sent: boolean;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** Wait before reconnection try `failures` (1-based): exponential, capped, never zero. */
export function backoffDelay(failures: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
}

/**
 * Request/response matching and event fan-out over a WebSocket speaking the wire shapes of main/common/api.ts,
 * with reconnection. Requests made while the socket is down wait in a queue and go out when it opens; requests
 * in flight when it drops fail with DISCONNECTED, because whether the host ran them is unknown.
 */
export class WsRpc {
  private socket?: SocketLike;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private readonly reopenListeners = new Set<() => void>();
  private state: ConnectionState = { status: 'connecting', failures: 0, everOpened: false };
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private closed = false;

  constructor(private readonly opts: WsRpcOptions) {
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.baseDelayMs = opts.baseDelayMs ?? 250;
    this.maxDelayMs = opts.maxDelayMs ?? 5000;
    this.open();
  }

  get connection(): ConnectionState {
    return this.state;
  }

  call(method: ApiMethod, args: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const req: WireRequest = { t: 'req', id, method, args };
      const entry: Pending = { text: JSON.stringify(req), sent: false, resolve, reject };
      this.pending.set(id, entry);
      if (this.socket && this.socket.readyState === OPEN) {
        this.socket.send(entry.text);
        entry.sent = true;
      }
    });
  }

  onEvent(name: string, listener: (payload: unknown) => void): () => void {
    let set = this.eventListeners.get(name);
    if (!set) this.eventListeners.set(name, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Called after a reconnection (not the first open), so callers can refresh what they missed. */
  onReopen(listener: () => void): () => void {
    this.reopenListeners.add(listener);
    return () => this.reopenListeners.delete(listener);
  }

  dispose(): void {
    this.closed = true;
    this.socket?.close();
  }

  private setState(patch: Partial<ConnectionState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.stateListeners) l(this.state);
  }

  private open(): void {
    let socket: SocketLike;
    try {
      socket = this.opts.connect();
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      const reopened = this.state.everOpened;
      this.setState({ status: 'open', failures: 0, everOpened: true });
      // Pending ids are in call order (Map keeps insertion order), so queued requests go out in order.
      for (const entry of this.pending.values()) {
        if (entry.sent) continue;
        socket.send(entry.text);
        entry.sent = true;
      }
      if (reopened) for (const l of this.reopenListeners) l();
    };
    socket.onmessage = (ev) => this.onMessage(ev.data);
    socket.onerror = () => {
      // A close event always follows; reconnection is handled there.
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.failPending();
      if (!this.closed) this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    const failures = this.state.failures + 1;
    this.setState({ status: this.state.everOpened ? 'reconnecting' : 'connecting', failures });
    this.setTimer(() => this.open(), backoffDelay(failures, this.baseDelayMs, this.maxDelayMs));
  }

  private failPending(): void {
    const err = new ApiError({
      code: 'DISCONNECTED',
      message: 'The connection to the redesk host dropped before the answer came back.',
      hint: 'It reconnects by itself; check the result (the action may or may not have run) and try again.',
    });
    for (const [id, p] of [...this.pending]) {
      if (!p.sent) continue;
      this.pending.delete(id);
      p.reject(err);
    }
  }

  private onMessage(raw: unknown): void {
    if (typeof raw !== 'string') return;
    let msg: WireMessage;
    try {
      msg = JSON.parse(raw) as WireMessage;
    } catch {
      return;
    }
    if (msg.t === 'res') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(ApiError.fromWire(msg.error));
    } else if (msg.t === 'evt') {
      const set = this.eventListeners.get(msg.name);
      if (set) for (const l of [...set]) l(msg.payload);
    }
  }
}
