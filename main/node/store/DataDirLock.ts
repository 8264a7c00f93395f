import { open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { RedeskError } from '../../common/errors';
import { systemClock } from '../systemClock';
import { atomicWrite } from './atomicWrite';

export const LOCK_FILE = 'redesk.lock';

/** Where a browser-mode host listens, so a CLI command can forward its calls there. */
export interface HostInfo {
  port: number;
  token: string;
}

/** What the lock file holds. */
export interface LockInfo {
  pid: number;
  startedAt: string;
  /** A pid from an earlier boot may belong to an unrelated process now; the boot id tells them apart. */
  bootId?: string;
  hostname?: string;
  host?: HostInfo;
}

export interface LockOptions {
  /** Whether a pid is alive; tests fake it. */
  isAlive?: (pid: number) => boolean;
  pid?: number;
  bootId?: string;
  wallMs?: () => number;
}

/** A lock file with no readable content younger than this is one being written now, not a stale one. */
const UNREADABLE_GRACE_MS = 10_000;
/** How long to wait for another process that is taking over a stale lock. */
const TAKEOVER_WAIT_MS = 2_000;

/**
 * One redesk per data folder: the app, a browser-mode host or a one-shot CLI command holds `<dataDir>/redesk.lock`
 * (created with O_EXCL) while it works, so two processes never run the same attempt's clock or append to the same
 * score log. A lock whose process is gone is taken over; a live one is refused with DATA_DIR_LOCKED.
 */
export class DataDirLock {
  private released = false;

  private constructor(
    readonly path: string,
    private info: LockInfo,
  ) {}

  static async acquire(dataDir: string, host?: HostInfo, opts: LockOptions = {}): Promise<DataDirLock> {
    const path = join(dataDir, LOCK_FILE);
    const wallMs = opts.wallMs ?? Date.now;
    const info: LockInfo = {
      pid: opts.pid ?? process.pid,
      startedAt: new Date(wallMs()).toISOString(),
      bootId: opts.bootId ?? systemClock().bootId(),
      hostname: hostname(),
      ...(host ? { host } : {}),
    };
    for (let tries = 0; tries < 5; tries++) {
      if (await createExclusive(path, info)) return new DataDirLock(path, info);
      const found = await inspectLock(path, opts);
      if (found === undefined) continue; // released meanwhile; try again
      if (found.alive) throw lockedError(dataDir, found.info);
      await takeOver(dataDir, path, found.raw, opts);
    }
    throw new RedeskError('DATA_DIR_LOCKED', `Could not take the lock ${path}: other processes keep taking it.`, {
      hint: 'Close other redesk windows or commands using this data folder and try again.',
      where: path,
    });
  }

  get holder(): LockInfo {
    return { ...this.info };
  }

  /** Record where this host listens (a browser-mode host learns its port after binding). */
  async setHostInfo(host: HostInfo): Promise<void> {
    if (this.released) return;
    this.info = { ...this.info, host };
    await atomicWrite(this.path, JSON.stringify(this.info, null, 2) + '\n', { mode: 0o600 });
  }

  /** Removes the lock file if it is still ours. Safe to call twice. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    try {
      const raw = await readFile(this.path, 'utf8');
      const now = parseLock(raw);
      if (now?.pid === this.info.pid && now.startedAt === this.info.startedAt) await unlink(this.path);
    } catch {
      // Already gone: nothing to release.
    }
  }

  dispose(): Promise<void> {
    return this.release();
  }
}

/** The lock of a data folder, if any, and whether its holder is alive: a CLI uses it to find a live host. */
export async function readLock(dataDir: string, opts: LockOptions = {}): Promise<(LockInfo & { alive: boolean }) | null> {
  const found = await inspectLock(join(dataDir, LOCK_FILE), opts);
  if (!found || !found.info) return null;
  return { ...found.info, alive: found.alive };
}

async function createExclusive(path: string, info: LockInfo): Promise<boolean> {
  let fh;
  try {
    // 0600: the lock may carry the host's token.
    fh = await open(path, 'wx', 0o600);
  } catch (e) {
    if ((e as { code?: string }).code === 'EEXIST') return false;
    throw new RedeskError('IO_ERROR', `Could not create the lock file ${path}: ${(e as Error).message}`, {
      hint: 'Check that the data folder exists and is writable.',
      where: path,
      cause: e,
    });
  }
  try {
    await fh.writeFile(JSON.stringify(info, null, 2) + '\n');
    await fh.sync();
  } finally {
    await fh.close();
  }
  return true;
}

interface Inspected {
  raw: string;
  info?: LockInfo;
  alive: boolean;
}

async function inspectLock(path: string, opts: LockOptions): Promise<Inspected | undefined> {
  let raw: string;
  let mtimeMs: number;
  try {
    raw = await readFile(path, 'utf8');
    mtimeMs = (await stat(path)).mtimeMs;
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined;
    throw e;
  }
  const info = parseLock(raw);
  if (!info) {
    // Created but not yet written by its owner, or left empty by a crash at that moment.
    return { raw, alive: (opts.wallMs ?? Date.now)() - mtimeMs < UNREADABLE_GRACE_MS };
  }
  const currentBoot = opts.bootId ?? systemClock().bootId();
  const sameBoot = info.bootId === undefined || info.bootId === currentBoot;
  const alive = sameBoot && (opts.isAlive ?? pidAlive)(info.pid);
  return { raw, info, alive };
}

/** Removes a stale lock, under a short-lived mutex so two starting processes cannot both take it over. */
async function takeOver(dataDir: string, path: string, staleRaw: string, opts: LockOptions): Promise<void> {
  const mutex = join(dataDir, `${LOCK_FILE}.takeover`);
  const deadline = Date.now() + TAKEOVER_WAIT_MS;
  for (;;) {
    if (await createExclusive(mutex, { pid: opts.pid ?? process.pid, startedAt: new Date().toISOString() })) break;
    const age = await stat(mutex).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > UNREADABLE_GRACE_MS) await unlink(mutex).catch(() => undefined);
    else if (Date.now() > deadline) return; // the other process finished or failed; the caller looks again
    else await new Promise((r) => setTimeout(r, 25));
  }
  try {
    const now = await readFile(path, 'utf8').catch(() => undefined);
    // Only the very lock we judged stale is removed; a fresh one written meanwhile stays.
    if (now === staleRaw) await unlink(path).catch(() => undefined);
  } finally {
    await unlink(mutex).catch(() => undefined);
  }
}

function parseLock(raw: string): LockInfo | undefined {
  try {
    const v = JSON.parse(raw) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && typeof v.startedAt === 'string') return v as LockInfo;
  } catch {
    // fall through
  }
  return undefined;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to another user; still alive.
    return (e as { code?: string }).code === 'EPERM';
  }
}

function lockedError(dataDir: string, info: LockInfo | undefined): RedeskError {
  const who = info ? `process ${info.pid} (started ${info.startedAt})` : 'another process';
  return new RedeskError(
    'DATA_DIR_LOCKED',
    `The data folder ${dataDir} is in use by ${who}. Nothing was changed.`,
    {
      hint: 'Close that redesk first, or pass --data-dir to use another folder. CLI commands forward to a running browser-mode host.',
      where: join(dataDir, LOCK_FILE),
    },
  );
}
