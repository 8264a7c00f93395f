import { createHash } from 'node:crypto';
import { mkdir, readFile, realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FileContent, FileEntry } from '../../common/api';
import type { Logger } from '../../common/clock';
import { RedeskError } from '../../common/errors';
import { atomicWrite } from '../store/atomicWrite';
import { resolveInside } from './resolveInside';
import { walk } from './walk';
import { WorkspaceWatcher, type FileChange, type WatcherOptions } from './WorkspaceWatcher';

export type { FileChange } from './WorkspaceWatcher';

export interface WorkspaceOptions {
  /** Set when writes are refused (the attempt was submitted): the reason, shown to the user. */
  readOnlyReason?: string;
  /** A listing longer than this is cut short (a dataset unpacked into the workspace must not freeze the UI). */
  maxEntries?: number;
  /** The editor opens files up to this size; larger ones are for the terminal. */
  maxReadBytes?: number;
  watch?: WatcherOptions;
  logger?: Logger;
}

export interface WriteResult {
  sha256: string;
  size: number;
  mtimeMs: number;
}

export const DEFAULT_MAX_ENTRIES = 20_000;
export const DEFAULT_MAX_READ_BYTES = 5 * 1024 * 1024;

/**
 * One attempt's workspace folder, as the editor and file tree see it. Every path goes through resolve(), which
 * keeps it inside the folder, symbolic links included.
 */
export class Workspace {
  private rootRealP?: Promise<string>;
  private readonly maxEntries: number;
  private readonly maxReadBytes: number;

  constructor(
    readonly root: string,
    private readonly opts: WorkspaceOptions = {},
  ) {
    this.maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.maxReadBytes = opts.maxReadBytes ?? DEFAULT_MAX_READ_BYTES;
  }

  /** The real absolute path of a workspace-relative path, or PATH_ESCAPES_WORKSPACE. */
  async resolve(rel: string): Promise<string> {
    return resolveInside(await this.rootReal(), rel);
  }

  async list(): Promise<FileEntry[]> {
    const { entries, truncated } = await walk(await this.rootReal(), this.maxEntries);
    if (truncated) this.opts.logger?.warn(`workspace ${this.root} has more than ${this.maxEntries} entries; the listing is cut short`);
    return entries;
  }

  async read(rel: string): Promise<FileContent> {
    const abs = await this.resolve(rel);
    const s = await stat(abs).catch((e) => {
      throw notFound(rel, e);
    });
    if (s.isDirectory()) {
      throw new RedeskError('BAD_REQUEST', `${rel} is a folder, not a file.`, { where: rel, hint: 'Open a file inside it.' });
    }
    if (s.size > this.maxReadBytes) {
      throw new RedeskError('FILE_TOO_LARGE', `${rel} is ${mib(s.size)}; the editor opens files up to ${mib(this.maxReadBytes)}. The file is unchanged.`, {
        where: rel,
        hint: 'Look at it in the terminal (less, head, tail).',
      });
    }
    const bytes = await readFile(abs).catch((e) => {
      throw notFound(rel, e);
    });
    return { path: normalizeRel(rel), content: bytes.toString('utf8'), sha256: sha256(bytes), mtimeMs: s.mtimeMs };
  }

  /** Saves a file atomically (a crash or full disk keeps the previous version), creating its folders. */
  async write(rel: string, content: string): Promise<WriteResult> {
    if (this.opts.readOnlyReason !== undefined) {
      throw new RedeskError('ATTEMPT_BAD_STATE', `Not saved: ${this.opts.readOnlyReason}`, {
        where: rel,
        hint: 'The workspace is read-only now; copy your text elsewhere if you need it.',
      });
    }
    if (normalizeRel(rel) === '') throw new RedeskError('BAD_REQUEST', 'A file name is needed to save.', { where: rel });
    const abs = await this.resolve(rel);
    const existing = await stat(abs).catch(() => undefined);
    if (existing?.isDirectory()) throw new RedeskError('BAD_REQUEST', `${rel} is a folder; a file cannot be saved over it.`, { where: rel });
    const bytes = Buffer.from(content, 'utf8');
    await mkdir(dirname(abs), { recursive: true });
    await atomicWrite(abs, bytes);
    const s = await stat(abs);
    return { sha256: sha256(bytes), size: s.size, mtimeMs: s.mtimeMs };
  }

  /**
   * Reports files changed on disk by anything (terminal, scorer, editor). Returns a disposer. Changes made before
   * the first snapshot is taken (a few milliseconds) are not reported.
   */
  watch(onChange: (change: FileChange) => void): () => void {
    let stop: (() => void) | undefined;
    let disposed = false;
    this.watchReady(onChange).then(
      (s) => (disposed ? s() : (stop = s)),
      (e) => this.opts.logger?.warn(`cannot watch ${this.root}: ${(e as Error).message}`),
    );
    return () => {
      disposed = true;
      stop?.();
    };
  }

  /** Like watch(), but resolves once the watcher is in place, so a caller (a test) knows later changes count. */
  async watchReady(onChange: (change: FileChange) => void): Promise<() => void> {
    const watcher = new WorkspaceWatcher(await this.rootReal(), onChange, { maxEntries: this.maxEntries, logger: this.opts.logger, ...this.opts.watch });
    await watcher.start();
    return () => watcher.stop();
  }

  private rootReal(): Promise<string> {
    this.rootRealP ??= realpath(this.root).catch((e) => {
      this.rootRealP = undefined;
      throw new RedeskError('FILE_NOT_FOUND', `The workspace folder ${this.root} is missing: ${(e as Error).message}`, {
        where: this.root,
        hint: 'The attempt folder may have been moved or deleted.',
      });
    });
    return this.rootRealP;
  }
}

function normalizeRel(rel: string): string {
  return rel
    .split(/[\\/]/)
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function mib(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function notFound(rel: string, e: unknown): RedeskError {
  return new RedeskError('FILE_NOT_FOUND', `${rel} does not exist in the workspace.`, {
    where: rel,
    hint: 'It may have been renamed or deleted in the terminal; refresh the file tree.',
    cause: e,
  });
}
