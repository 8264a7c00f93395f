/**
 * Runs a model's ONNX parts in a worker thread (patchWorkerMain): sessions stay open in the worker between calls, and
 * the worker is ended after `idleMs` without calls (the next call starts a fresh one).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { RedeskError } from '../../../common/errors';
import { packageRoot } from '../../appPaths';
import type { FeedTensor, OutTensor, PartExecutor, PartKey, RunnerOptions } from './runner';
import type { WorkerInit, WorkerReply, WorkerRequest } from './workerProtocol';

/** The bundled worker entry, found like the pty host: outside the asar archive when packaged. */
export function patchWorkerEntry(root: string = packageRoot()): string {
  return join(root.replace(/app\.asar$/, 'app.asar.unpacked'), 'dist', 'node', 'patchWorker.js');
}

/** Long enough to keep the sessions warm while someone works in the Explorer; short enough to free memory. */
const DEFAULT_IDLE_MS = 120_000;

interface Pending {
  resolve: (o: Record<string, OutTensor>) => void;
  reject: (e: unknown) => void;
}

export class WorkerExecutor implements PartExecutor {
  private worker: Worker | null = null;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;
  private inUse: string;

  constructor(
    private readonly paths: Record<string, string>,
    private readonly opts: RunnerOptions & { entry?: string; idleMs?: number } = {},
  ) {
    this.inUse = opts.provider ?? 'cpu';
  }

  provider(): string {
    return this.inUse;
  }

  private start(): Worker {
    const entry = resolve(this.opts.entry ?? patchWorkerEntry());
    if (!existsSync(entry)) {
      throw new RedeskError('PATCH_RUNTIME', `the patching worker is missing: ${entry}`, { hint: 'Run `npm run build`.' });
    }
    const init: WorkerInit = { paths: this.paths, provider: this.opts.provider, threads: this.opts.threads };
    const w = new Worker(entry, { workerData: init });
    w.on('message', (m: WorkerReply) => {
      if ('log' in m) {
        this.opts.log?.(m.log);
        return;
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) {
        this.inUse = m.provider;
        p.resolve(m.outputs);
      } else {
        p.reject(new RedeskError(m.error.code, m.error.message, { hint: m.error.hint, where: m.error.where }));
      }
      this.armIdle();
    });
    const die = (why: string): void => {
      if (this.worker !== w) return;
      this.worker = null;
      for (const p of this.pending.values()) p.reject(new RedeskError('PATCH_RUNTIME', `the patching worker stopped: ${why}`));
      this.pending.clear();
    };
    w.on('error', (e) => die(e.message));
    w.on('exit', (code) => die(`exit code ${code}`));
    return w;
  }

  private armIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.pending.size > 0) {
      this.worker?.ref();
      return;
    }
    // An idle worker must not keep a CLI process alive.
    this.worker?.unref();
    this.idleTimer = setTimeout(() => void this.close(), this.opts.idleMs ?? DEFAULT_IDLE_MS);
    this.idleTimer.unref();
  }

  run(part: PartKey, feeds: Record<string, FeedTensor>, fetches?: string[]): Promise<Record<string, OutTensor>> {
    if (!this.worker) this.worker = this.start();
    const w = this.worker;
    const id = this.nextId++;
    // Arrays not given up are copied, so that transferring them leaves the caller's caches intact; one array fed
    // twice is sent once.
    const owned: Record<string, FeedTensor> = {};
    for (const [k, t] of Object.entries(feeds)) owned[k] = t.given ? t : ({ ...t, data: t.data.slice() } as FeedTensor);
    const msg: WorkerRequest = { id, part, feeds: owned, fetches };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.armIdle();
      w.postMessage(msg, [...new Set(Object.values(owned).map((t) => t.data.buffer as ArrayBuffer))]);
    });
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const w = this.worker;
    this.worker = null;
    if (!w) return;
    for (const p of this.pending.values()) p.reject(new RedeskError('PATCH_RUNTIME', 'the patching worker was closed'));
    this.pending.clear();
    await w.terminate();
  }
}
