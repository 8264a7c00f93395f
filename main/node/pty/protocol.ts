/**
 * Messages between PtyHostClient (in the app) and the pty host process (ptyHostMain). Plain data: they cross
 * child_process IPC and Electron's utility-process port unchanged.
 *
 * The client names each pty (`pty-1`, ...) in `create`; the host confirms with `ready` or refuses with `error`.
 */
import type { RedeskErrorData } from '../../common/errors';

export interface CreateMsg {
  type: 'create';
  id: string;
  cwd: string;
  cols: number;
  rows: number;
  /** Added to the host's own environment (which the host cleans first). */
  env?: Record<string, string>;
  /** Shell executable; defaults to $SHELL of the merged environment, then bash. */
  shell?: string;
}
export interface InputMsg {
  type: 'input';
  id: string;
  data: string;
}
export interface ResizeMsg {
  type: 'resize';
  id: string;
  cols: number;
  rows: number;
}
/** The client has rendered this many more characters of the pty's output (flow control). */
export interface AckMsg {
  type: 'ack';
  id: string;
  chars: number;
}
export interface KillMsg {
  type: 'kill';
  id: string;
}
export type ToHost = CreateMsg | InputMsg | ResizeMsg | AckMsg | KillMsg;

/** The pty of a `create` is running. */
export interface ReadyMsg {
  type: 'ready';
  id: string;
  pid: number;
}
export interface DataMsg {
  type: 'data';
  id: string;
  data: string;
}
export interface ExitMsg {
  type: 'exit';
  id: string;
  exitCode: number;
  signal?: number;
}
/** A request failed: `id` names the pty (a refused `create`), or is absent for a failure of the host itself. */
export interface ErrorMsg {
  type: 'error';
  id?: string;
  error: RedeskErrorData;
}
export type FromHost = ReadyMsg | DataMsg | ExitMsg | ErrorMsg;

const TO_HOST_TYPES: ReadonlySet<string> = new Set(['create', 'input', 'resize', 'ack', 'kill']);
const FROM_HOST_TYPES: ReadonlySet<string> = new Set(['ready', 'data', 'exit', 'error']);

function hasType(msg: unknown, types: ReadonlySet<string>): boolean {
  if (typeof msg !== 'object' || msg === null) return false;
  const t = (msg as { type?: unknown }).type;
  return typeof t === 'string' && types.has(t);
}

/** Shape check only: both ends are ours, but a stray message on the channel must not crash either. */
export function isToHost(msg: unknown): msg is ToHost {
  return hasType(msg, TO_HOST_TYPES) && typeof (msg as { id?: unknown }).id === 'string';
}

export function isFromHost(msg: unknown): msg is FromHost {
  return hasType(msg, FROM_HOST_TYPES);
}
