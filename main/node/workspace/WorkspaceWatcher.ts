import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from '../../common/clock';
import type { FileEntry } from '../../common/api';
import { isSkippedPath, walk } from './walk';

export type FileChangeKind = 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir';

export interface FileChange {
  /** Relative to the workspace, '/' separated. */
  path: string;
  kind: FileChangeKind;
}

export interface WatcherOptions {
  /** Events within this window are merged: an editor save or a `cp -r` arrives as many raw events. */
  debounceMs?: number;
  /** The polling interval when the OS watcher is unavailable. */
  pollMs?: number;
  /** Skip fs.watch and poll (tests, and file systems where inotify does not see changes, e.g. network mounts). */
  forcePolling?: boolean;
  maxEntries?: number;
  logger?: Logger;
}

type Snapshot = Map<string, { kind: 'file' | 'dir'; size: number; mtimeMs: number }>;

/**
 * Reports files changed on disk by anything (terminal, scorer, editor) as add/change/unlink. Raw events only say
 * "something happened at this path", so each debounced batch is compared with a snapshot of the folder: the same
 * diff serves the recursive fs.watch path and the polling fallback.
 */
export class WorkspaceWatcher {
  private snapshot: Snapshot = new Map();
  private watcher?: FSWatcher;
  private pollTimer?: ReturnType<typeof setInterval>;
  private debounceTimer?: ReturnType<typeof setTimeout>;
  private pending = false;
  private scanning?: Promise<void>;
  private stopped = false;
  private readonly debounceMs: number;
  private readonly pollMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly rootReal: string,
    private readonly onChange: (change: FileChange) => void,
    private readonly opts: WatcherOptions = {},
  ) {
    this.debounceMs = opts.debounceMs ?? 75;
    this.pollMs = opts.pollMs ?? 1000;
    this.maxEntries = opts.maxEntries ?? 20_000;
  }

  /** Takes the first snapshot, then watches. Resolves once changes from now on will be reported. */
  async start(): Promise<void> {
    this.snapshot = toSnapshot((await walk(this.rootReal, this.maxEntries)).entries);
    if (this.stopped) return;
    if (!this.opts.forcePolling && this.startWatch()) return;
    this.startPolling();
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    this.watcher = undefined;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
  }

  private startWatch(): boolean {
    try {
      this.watcher = watch(this.rootReal, { recursive: true }, (_event, name) => {
        const rel = typeof name === 'string' ? name.split('\\').join('/') : undefined;
        if (rel !== undefined && isSkippedPath(rel)) return;
        this.schedule();
      });
      this.watcher.on('error', (e) => {
        // Typically the inotify watch limit; polling still works.
        this.opts.logger?.warn(`watching ${this.rootReal} failed (${e.message}); polling every ${this.pollMs} ms instead`);
        this.watcher?.close();
        this.watcher = undefined;
        if (!this.stopped) this.startPolling();
      });
      return true;
    } catch (e) {
      this.opts.logger?.warn(`recursive watch unavailable for ${this.rootReal} (${(e as Error).message}); polling instead`);
      return false;
    }
  }

  private startPolling(): void {
    this.pollTimer = setInterval(() => this.schedule(), this.pollMs);
    this.pollTimer.unref?.();
  }

  private schedule(): void {
    if (this.stopped || this.debounceTimer) return;
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = undefined;
      void this.rescan();
    }, this.debounceMs);
    this.debounceTimer.unref?.();
  }

  /** Compares the folder with the snapshot; one scan at a time, and one more if events came during it. */
  private async rescan(): Promise<void> {
    if (this.scanning) {
      this.pending = true;
      return;
    }
    this.scanning = this.diff().catch((e) => this.opts.logger?.warn(`rescanning ${this.rootReal} failed: ${(e as Error).message}`));
    await this.scanning;
    this.scanning = undefined;
    if (this.pending && !this.stopped) {
      this.pending = false;
      this.schedule();
    }
  }

  private async diff(): Promise<void> {
    const next = toSnapshot((await walk(this.rootReal, this.maxEntries)).entries);
    if (this.stopped) return;
    const changes: FileChange[] = [];
    for (const [path, was] of this.snapshot) {
      const now = next.get(path);
      if (!now || now.kind !== was.kind) changes.push({ path, kind: was.kind === 'dir' ? 'unlinkDir' : 'unlink' });
    }
    for (const [path, now] of next) {
      const was = this.snapshot.get(path);
      if (!was || was.kind !== now.kind) changes.push({ path, kind: now.kind === 'dir' ? 'addDir' : 'add' });
      else if (now.kind === 'file' && (was.size !== now.size || was.mtimeMs !== now.mtimeMs)) changes.push({ path, kind: 'change' });
    }
    this.snapshot = next;
    for (const c of changes) this.onChange(c);
  }
}

function toSnapshot(entries: FileEntry[]): Snapshot {
  return new Map(entries.map((e) => [e.path, { kind: e.kind, size: e.size, mtimeMs: e.mtimeMs }]));
}
