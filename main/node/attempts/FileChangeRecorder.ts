import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Logger } from '../../common/clock';
import type { FileChange, Workspace } from '../workspace/Workspace';
import { SerialQueue } from './SerialQueue';

/** Files up to this size are hashed on every change; bigger ones (checkpoints, datasets) get their size only. */
export const HASH_MAX_BYTES = 50 * 1024 * 1024;

export interface FileChangeRecorderOptions {
  workspace: Workspace;
  /** Appends fs.change at attempt time t. */
  record(data: Record<string, unknown>, t: number): void;
  /** Every raw change as it is seen (the file tree refreshes on it). */
  onChange?(change: FileChange): void;
  /** Attempt time now. */
  now(): number;
  logger: Logger;
  hashMaxBytes?: number;
}

/**
 * Records files changed in the workspace by anything (the terminal, a training run, the editor's saves) as fs.change
 * `{path, kind, size, sha256}`: size and hash null for folders and deletions, hash null with `hashSkipped` past
 * HASH_MAX_BYTES. Hashing streams and runs one file at a time in the order of the changes, each record stamped with
 * the attempt time the change was seen.
 */
export class FileChangeRecorder {
  private readonly queue = new SerialQueue();
  private stopWatch?: () => void;
  private starting?: Promise<void>;
  private stopped = false;

  constructor(private readonly o: FileChangeRecorderOptions) {}

  /** Starts watching (once); resolves once changes from now on are seen. */
  start(): Promise<void> {
    this.starting ??= this.o.workspace.watchReady((c) => this.changed(c)).then((stop) => {
      if (this.stopped) stop();
      else this.stopWatch = stop;
    });
    return this.starting;
  }

  stop(): void {
    this.stopped = true;
    this.stopWatch?.();
    this.stopWatch = undefined;
  }

  /** Resolves when every change seen so far is recorded (tests). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private changed(change: FileChange): void {
    const t = this.o.now();
    this.o.onChange?.(change);
    void this.queue.run(async () => {
      const data = await this.describe(change).catch((e: unknown) => {
        this.o.logger.warn(`could not read the changed file ${change.path}: ${(e as Error).message}`);
        return { path: change.path, kind: change.kind, size: null, sha256: null };
      });
      if (!this.stopped) this.o.record(data, t);
    });
  }

  private async describe(change: FileChange): Promise<Record<string, unknown>> {
    const gone = { path: change.path, kind: change.kind, size: null, sha256: null };
    if (change.kind !== 'add' && change.kind !== 'change') return gone;
    const abs = await this.o.workspace.resolve(change.path);
    const s = await stat(abs).catch(() => undefined);
    // Deleted or replaced by a folder since the watcher looked: the next change says what it became.
    if (!s?.isFile()) return gone;
    const max = this.o.hashMaxBytes ?? HASH_MAX_BYTES;
    if (s.size > max) return { path: change.path, kind: change.kind, size: s.size, sha256: null, hashSkipped: true };
    return { path: change.path, kind: change.kind, ...(await hashFile(abs)) };
  }
}

/** Size and SHA-256 of what was read: a file still being written is hashed as it was read, and its size said so. */
async function hashFile(path: string): Promise<{ size: number; sha256: string }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: h.digest('hex') };
}
