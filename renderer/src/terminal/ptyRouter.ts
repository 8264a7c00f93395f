/**
 * Routes pty events to terminals by ptyId, straight from the transport to xterm: bytes never pass through the store.
 * Output that arrives before its terminal has learned its ptyId (the create answer and the first prompt race) is
 * held briefly; output for ptys this page never claims (another window on the same host) is dropped after that.
 */
import { onEvent } from '../api/client';

export interface PtySink {
  write(data: string): void;
  exit(exitCode: number): void;
}

/** How long and how much unclaimed output is kept for a pty that may yet be claimed. */
const EARLY_KEEP_MS = 10_000;
const EARLY_MAX_CHARS = 1_000_000;

interface Early {
  chunks: string[];
  chars: number;
  firstAt: number;
  exitCode?: number;
}

const sinks = new Map<string, PtySink>();
const early = new Map<string, Early>();
let subscribed = false;

function earlyFor(ptyId: string): Early {
  let e = early.get(ptyId);
  if (!e) early.set(ptyId, (e = { chunks: [], chars: 0, firstAt: Date.now() }));
  return e;
}

function prune(now: number): void {
  for (const [id, e] of early) if (now - e.firstAt > EARLY_KEEP_MS) early.delete(id);
}

function subscribe(): void {
  if (subscribed) return;
  subscribed = true;
  onEvent('pty.data', ({ ptyId, data }) => {
    const sink = sinks.get(ptyId);
    if (sink) return sink.write(data);
    prune(Date.now());
    const e = earlyFor(ptyId);
    if (e.chars + data.length > EARLY_MAX_CHARS) return;
    e.chunks.push(data);
    e.chars += data.length;
  });
  onEvent('pty.exit', ({ ptyId, exitCode }) => {
    const sink = sinks.get(ptyId);
    if (sink) return sink.exit(exitCode);
    earlyFor(ptyId).exitCode = exitCode;
  });
}

export function registerPty(ptyId: string, sink: PtySink): void {
  subscribe();
  sinks.set(ptyId, sink);
  const e = early.get(ptyId);
  if (!e) return;
  early.delete(ptyId);
  for (const chunk of e.chunks) sink.write(chunk);
  if (e.exitCode !== undefined) sink.exit(e.exitCode);
}

export function unregisterPty(ptyId: string): void {
  sinks.delete(ptyId);
}

/** Subscribe at startup, before any pty exists, so no early output is missed. */
export function startPtyRouter(): void {
  subscribe();
}
