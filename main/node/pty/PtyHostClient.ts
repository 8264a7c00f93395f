/**
 * Terminals for the app, served by a separate pty host process.
 *
 * Why a separate process (as VS Code's pty host): node-pty's reads, writes and native calls stay off the main event
 * loop, so a flood in one terminal never stalls the clock, the recorder or the UI; and a crash in native code takes
 * down the terminals, not the app. Headless the host is a child_process.fork (nodeHostSpawner); under Electron the
 * shell supplies a utilityProcess spawner. The host is started on the first create(); if it dies, every pty it held
 * gets an exit event (exitCode -1) and the next create() starts a new one.
 *
 * The path of output: the shell writes → node-pty (raw Buffers) → one StringDecoder per pty, so a character split
 * across reads stays whole → batches of 16 ms or 200 KB (OutputBatcher) → IPC → onData listeners → xterm.
 *
 * Flow control (FlowControl, VS Code's watermarks): the host counts characters it has sent and the client has not
 * acknowledged. The renderer calls ack(ptyId, data.length) from xterm's write callback, i.e. once the text is
 * parsed. Above HIGH_WATERMARK_CHARS unacknowledged the host pauses reading the pty, so a program that floods the
 * terminal blocks on its own writes (as it would on a slow real terminal) instead of filling memory; below
 * LOW_WATERMARK_CHARS it resumes. A client that never acks therefore sees output stop after about 100,000 chars.
 */
import type { Logger } from '../../common/clock';
import { RedeskError } from '../../common/errors';
import type { HostProcess, HostSpawner, PtyCreate, PtyService } from '../contracts';
import { consoleLogger } from '../systemClock';
import { nodeHostSpawner } from './nodeHostSpawner';
import { isFromHost, type FromHost, type ToHost } from './protocol';

export { nodeHostSpawner } from './nodeHostSpawner';
export { HIGH_WATERMARK_CHARS, LOW_WATERMARK_CHARS } from './FlowControl';
export { BATCH_INTERVAL_MS, BATCH_MAX_CHARS } from './OutputBatcher';

/** Exit code reported for a pty whose host died or was shut down: no real process exit status exists for it. */
export const HOST_GONE_EXIT_CODE = -1;
/** dispose() waits this long for the host to exit; past it the host is abandoned (the spawner SIGKILLs it). */
const DISPOSE_WAIT_MS = 5_000;

export interface PtyHostClientOptions {
  /** Path of the built host entry (dist/node/ptyHost.js). */
  entry: string;
  spawn?: HostSpawner;
  logger?: Logger;
}

interface PendingCreate {
  attemptId: string;
  resolve(id: string): void;
  reject(e: Error): void;
  /** killAttempt() ran while the host was still starting this pty. */
  killRequested: boolean;
}

type DataListener = (ptyId: string, data: string) => void;
type ExitListener = (ptyId: string, exitCode: number, signal?: number) => void;

export class PtyHostClient implements PtyService {
  private readonly entry: string;
  private readonly spawnHost: HostSpawner;
  private readonly logger: Logger;
  private host: HostProcess | undefined;
  private hostExited: Promise<void> | undefined;
  /** Counts hosts started; messages and exits from an earlier host are ignored. */
  private generation = 0;
  private nextId = 1;
  /** Live ptys (confirmed by the host, not yet exited) and their attempt. */
  private readonly ptys = new Map<string, string>();
  private readonly pending = new Map<string, PendingCreate>();
  private readonly dataListeners = new Set<DataListener>();
  private readonly exitListeners = new Set<ExitListener>();
  private disposing: Promise<void> | undefined;

  constructor(opts: PtyHostClientOptions) {
    this.entry = opts.entry;
    this.spawnHost = opts.spawn ?? nodeHostSpawner;
    this.logger = opts.logger ?? consoleLogger('redesk pty');
  }

  /** The running host's process id, if one is running (for diagnostics and tests). */
  get hostPid(): number | undefined {
    return this.host?.pid;
  }

  create(opts: PtyCreate): Promise<string> {
    if (this.disposing) {
      return Promise.reject(new RedeskError('PTY_HOST_DIED', 'the terminal service has shut down'));
    }
    let host: HostProcess;
    try {
      host = this.ensureHost();
    } catch (e) {
      return Promise.reject(
        new RedeskError('PTY_HOST_DIED', `could not start the terminal host: ${(e as Error).message}`, {
          hint: `Check that the app was built (${this.entry}).`,
          cause: e,
        }),
      );
    }
    const id = `pty-${this.nextId++}`;
    return new Promise<string>((resolve, reject) => {
      this.pending.set(id, { attemptId: opts.attemptId, resolve, reject, killRequested: false });
      this.post(host, { type: 'create', id, cwd: opts.cwd, cols: opts.cols, rows: opts.rows, env: opts.env });
    });
  }

  input(ptyId: string, data: string): void {
    this.post(this.liveHost(ptyId), { type: 'input', id: ptyId, data });
  }

  resize(ptyId: string, cols: number, rows: number): void {
    this.post(this.liveHost(ptyId), { type: 'resize', id: ptyId, cols, rows });
  }

  /** Unknown ptys are ignored: xterm's write callback can fire after the pty has exited. */
  ack(ptyId: string, chars: number): void {
    if (this.host && this.ptys.has(ptyId)) this.post(this.host, { type: 'ack', id: ptyId, chars });
  }

  /** Idempotent; the pty is live (has() is true) until its exit event arrives. */
  kill(ptyId: string): void {
    const pending = this.pending.get(ptyId);
    if (pending) pending.killRequested = true;
    else if (this.host && this.ptys.has(ptyId)) this.post(this.host, { type: 'kill', id: ptyId });
  }

  killAttempt(attemptId: string): void {
    for (const p of this.pending.values()) if (p.attemptId === attemptId) p.killRequested = true;
    for (const [id, owner] of this.ptys) if (owner === attemptId) this.kill(id);
  }

  has(ptyId: string): boolean {
    return this.ptys.has(ptyId);
  }

  onData(listener: DataListener): () => void {
    this.dataListeners.add(listener);
    return () => void this.dataListeners.delete(listener);
  }

  onExit(listener: ExitListener): () => void {
    this.exitListeners.add(listener);
    return () => void this.exitListeners.delete(listener);
  }

  /** Stops the host; every live pty gets an exit event first, then the listeners are dropped. */
  dispose(): Promise<void> {
    this.disposing ??= this.shutdown();
    return this.disposing;
  }

  private async shutdown(): Promise<void> {
    const host = this.host;
    if (host && this.hostExited) {
      host.kill();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, DISPOSE_WAIT_MS)));
      await Promise.race([this.hostExited, gaveUp]);
      clearTimeout(timer);
      // If it has not exited by now, report its ptys as gone anyway; the spawner's SIGKILL finishes it.
      this.hostGone(this.generation, null);
    }
    this.dataListeners.clear();
    this.exitListeners.clear();
  }

  private ensureHost(): HostProcess {
    if (this.host) return this.host;
    const gen = ++this.generation;
    if (gen > 1) this.logger.info('starting a new pty host', { generation: gen });
    const host = this.spawnHost(this.entry);
    this.host = host;
    this.hostExited = new Promise((resolve) => host.onExit(() => resolve()));
    host.onMessage((msg) => {
      if (gen === this.generation) this.receive(msg);
    });
    host.onExit((code) => this.hostGone(gen, code));
    return host;
  }

  private hostGone(gen: number, code: number | null): void {
    if (gen !== this.generation || this.host === undefined) return;
    const pid = this.host.pid;
    this.host = undefined;
    this.hostExited = undefined;
    const lost = [...this.ptys.keys()];
    if (!this.disposing) {
      this.logger.warn('the pty host exited; its terminals are gone and the next terminal starts a new host', {
        pid,
        code,
        terminals: lost.length,
      });
    }
    const err = new RedeskError('PTY_HOST_DIED', `the terminal host exited (code ${code}) before the terminal started`, {
      hint: 'Open the terminal again; a new host starts. Files in the workspace were not touched.',
    });
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(err);
    this.ptys.clear();
    for (const id of lost) this.emitExit(id, HOST_GONE_EXIT_CODE);
  }

  private receive(raw: unknown): void {
    if (!isFromHost(raw)) {
      this.logger.warn('pty host sent an unrecognised message');
      return;
    }
    const msg: FromHost = raw;
    switch (msg.type) {
      case 'data':
        if (this.ptys.has(msg.id)) this.emitData(msg.id, msg.data);
        return;
      case 'exit':
        if (this.ptys.delete(msg.id)) this.emitExit(msg.id, msg.exitCode, msg.signal);
        return;
      case 'ready': {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        this.ptys.set(msg.id, p.attemptId);
        if (p.killRequested) this.kill(msg.id);
        p.resolve(msg.id);
        return;
      }
      case 'error': {
        const p = msg.id === undefined ? undefined : this.pending.get(msg.id);
        if (p && msg.id !== undefined) {
          this.pending.delete(msg.id);
          p.reject(RedeskError.fromData(msg.error));
        } else {
          this.logger.error(`pty host: ${msg.error.message}`, { code: msg.error.code, ptyId: msg.id });
        }
        return;
      }
    }
  }

  private liveHost(ptyId: string): HostProcess {
    if (!this.host || !this.ptys.has(ptyId)) {
      throw new RedeskError('PTY_NOT_FOUND', `no terminal ${ptyId}: it has exited or never existed`, {
        hint: 'Open a new terminal.',
        where: ptyId,
      });
    }
    return this.host;
  }

  private post(host: HostProcess, msg: ToHost): void {
    host.send(msg);
  }

  // A throwing listener (one bad subscriber) must not starve the others of output or exits.
  private emitData(id: string, data: string): void {
    for (const l of this.dataListeners) {
      try {
        l(id, data);
      } catch (e) {
        this.logger.error('pty data listener threw', { error: String(e) });
      }
    }
  }

  private emitExit(id: string, exitCode: number, signal?: number): void {
    for (const l of this.exitListeners) {
      try {
        l(id, exitCode, signal);
      } catch (e) {
        this.logger.error('pty exit listener threw', { error: String(e) });
      }
    }
  }
}
