import { existsSync, statSync } from 'node:fs';
import type { IPty, IPtyForkOptions } from 'node-pty';
import { toErrorData, RedeskError } from '../../common/errors';
import { HostedPty } from './HostedPty';
import { isToHost, type CreateMsg, type FromHost } from './protocol';
import { shellLaunch } from './shellLaunch';

export type SpawnPty = (file: string, args: string[], opts: IPtyForkOptions) => IPty;

/** xterm.js and the kernel both misbehave with a zero-sized terminal; the renderer may report 0 while hidden. */
const MIN_SIZE = 1;
/** Far beyond any screen; guards the kernel's winsize (16-bit) from a garbage resize. */
const MAX_SIZE = 4096;

function clampSize(n: number, fallback: number): number {
  if (!Number.isFinite(n)) return fallback;
  return Math.min(MAX_SIZE, Math.max(MIN_SIZE, Math.floor(n)));
}

/**
 * The pty host's state: its ptys by id, driven by messages from the client. Transport-free so the entry
 * (ptyHostMain) can wire it to child_process IPC or Electron's parentPort.
 */
export class PtyHost {
  private readonly ptys = new Map<string, HostedPty>();

  constructor(
    private readonly send: (msg: FromHost) => void,
    private readonly spawnPty: SpawnPty,
    private readonly baseEnv: Record<string, string | undefined> = process.env,
  ) {}

  handle(msg: unknown): void {
    if (!isToHost(msg)) {
      this.send({ type: 'error', error: { code: 'BAD_REQUEST', message: 'pty host: unrecognised message' } });
      return;
    }
    try {
      switch (msg.type) {
        case 'create':
          this.create(msg);
          return;
        case 'input':
          this.ptys.get(msg.id)?.input(String(msg.data));
          return;
        case 'resize':
          this.ptys.get(msg.id)?.resize(clampSize(msg.cols, 80), clampSize(msg.rows, 24));
          return;
        case 'ack':
          this.ptys.get(msg.id)?.ack(Number(msg.chars));
          return;
        case 'kill':
          this.ptys.get(msg.id)?.kill();
          return;
      }
    } catch (e) {
      this.send({ type: 'error', id: msg.id, error: toErrorData(e) });
    }
  }

  private create(msg: CreateMsg): void {
    if (this.ptys.has(msg.id)) throw new RedeskError('BAD_REQUEST', `pty ${msg.id} already exists`);
    if (!existsSync(msg.cwd) || !statSync(msg.cwd).isDirectory()) {
      throw new RedeskError('FILE_NOT_FOUND', `the terminal's folder does not exist: ${msg.cwd}`, {
        hint: 'Check that the attempt workspace is still there; nothing else was changed.',
        where: msg.cwd,
      });
    }
    const launch = shellLaunch({ baseEnv: this.baseEnv, env: msg.env, shell: msg.shell, exists: existsSync });
    const pty = this.spawnPty(launch.file, launch.args, {
      name: launch.env.TERM,
      cwd: msg.cwd,
      cols: clampSize(msg.cols, 80),
      rows: clampSize(msg.rows, 24),
      env: launch.env,
      // Raw bytes: OutputBatcher decodes them so characters split across reads stay whole.
      encoding: null,
    });
    const hosted = new HostedPty(pty, {
      data: (data) => this.send({ type: 'data', id: msg.id, data }),
      exit: (exitCode, signal) => {
        this.ptys.delete(msg.id);
        this.send({ type: 'exit', id: msg.id, exitCode, ...(signal !== undefined ? { signal } : {}) });
      },
    });
    this.ptys.set(msg.id, hosted);
    this.send({ type: 'ready', id: msg.id, pid: hosted.pid });
  }

  /** Hangs up every pty; their shells and, through them, their jobs get SIGHUP. */
  dispose(): void {
    for (const pty of this.ptys.values()) pty.dispose();
    this.ptys.clear();
  }
}
