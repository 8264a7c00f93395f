import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ReplayFrame, ReplayHit, ReplayInfo } from '../../common/api';
import type { Logger } from '../../common/clock';
import { RedeskError } from '../../common/errors';
import type { EventRecord } from '../../common/events/record';
import { ATTEMPT_ID_RE } from '../attempts/attemptState';
import { verifyBundles } from '../bundle/verifyBundle';
import { formatVerifyResult } from '../recorder/verifyLog';
import { verifyLogOffThread } from '../recorder/verifyOffThread';
import { buildIndex, type ReplayIndex, type SnapshotTuning } from './buildIndex';
import { extractBundleForReplay } from './extractBundle';
import { frameAt } from './frameAt';

export interface ReplayServiceOptions {
  /** The folder of an attempt, by id (the attempt store's rule; it throws ATTEMPT_NOT_FOUND for a bad id). */
  attemptDir(attemptId: string): string | Promise<string>;
  /** Relative folder paths given to replayOpen resolve against this. */
  dataDir: string;
  logger: Logger;
  snapshots?: Partial<SnapshotTuning>;
  /** Replays kept open at once; opening one more closes the least recently used (a client that never closed). */
  maxOpen?: number;
  /**
   * allowed_signers a bundle's signer is checked against (a path, or a function asked at each open: the file may
   * appear later); without one any signer is accepted and named by its fingerprint.
   */
  allowedSigners?: string | (() => string | undefined);
  /** The organizer key bundles' tickets must be signed by. */
  organizerKey?: string;
  /** Parent of the private folder bundles are unpacked into; the OS temp folder by default. */
  tmpDir?: string;
  /** The verify worker (default dist/node/verifyWorker.js; where it is not built, verification runs in-thread). */
  verifyWorkerEntry?: string;
}

const DEFAULT_MAX_OPEN = 4;
const RANGE_LIMIT = { default: 5_000, max: 50_000 };
const SEARCH_LIMIT = { default: 200, max: 2_000 };

interface OpenReplay {
  info: ReplayInfo;
  index: ReplayIndex;
  usedAt: number;
  /** The folder a bundle was unpacked into, removed when the replay closes. */
  unpacked?: string;
}

const BUNDLE_SUFFIX = '.redesk';

/**
 * Replays attempts' trajectories: opens a log (verify it, index it once), then answers frames at any time, ranges of
 * records for playing forward, and searches. A log that fails verification still replays; `verify` says why.
 */
export class ReplayService {
  private readonly open = new Map<string, OpenReplay>();
  private clock = 0;
  /** Private folder (owner-only, from mkdtemp) that holds every unpacked bundle; made on first use. */
  private unpackRoot?: Promise<string>;
  private unpackRootPath?: string;
  private readonly unpacked = new Set<string>();

  constructor(private readonly opts: ReplayServiceOptions) {}

  async openReplay(source: string): Promise<ReplayInfo> {
    if (typeof source === 'string' && source.endsWith(BUNDLE_SUFFIX)) return this.openBundle(source);
    const dir = await this.resolveSource(source);
    const verify = verifyLogOffThread(dir, this.opts.verifyWorkerEntry).then(
      (r) => ({ ok: r.ok, message: formatVerifyResult(r) }),
      (e: unknown) => ({ ok: false, message: `could not verify: ${(e as Error).message}` }),
    );
    return this.openDir(dir, verify);
  }

  /**
   * A sealed bundle: verified as a whole (signature, hashes, ticket, trajectory), then its trajectory, casts, score
   * log and attempt facts are unpacked into a private folder and replayed like an attempt folder. A bundle that
   * fails verification still replays when it can be read; `verify` names the failure.
   */
  private async openBundle(source: string): Promise<ReplayInfo> {
    const file = resolve(this.opts.dataDir, source);
    const isFile = await stat(file).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!isFile) throw new RedeskError('FILE_NOT_FOUND', `There is no bundle ${file}.`, { where: source, hint: 'Give the path of a .redesk file.' });
    const signers = typeof this.opts.allowedSigners === 'function' ? this.opts.allowedSigners() : this.opts.allowedSigners;
    const trusted = signers !== undefined;
    const verify = verifyBundles(file, {
      ...(signers !== undefined ? { allowedSigners: signers } : { trustAnySigner: true }),
      ...(this.opts.organizerKey ? { organizerKey: this.opts.organizerKey } : {}),
      ...(this.opts.tmpDir ? { tmpDir: this.opts.tmpDir } : {}),
    }).then(
      ({ bundles: [v] }) => ({
        ok: v!.ok,
        message: v!.ok
          ? trusted
            ? v!.message
            : `${v!.message}; signer ${v!.signer} not checked against allowed_signers (none configured)`
          : `${v!.code}: ${v!.message}${v!.signer ? ` (signer ${v!.signer})` : ''}`,
      }),
      (e: unknown) => ({ ok: false, message: `could not verify: ${(e as Error).message}` }),
    );
    const root = (this.unpackRootPath = await (this.unpackRoot ??= mkdtemp(join(this.opts.tmpDir ?? tmpdir(), 'redesk-replay-'))));
    const dir = await mkdtemp(join(root, 'b-'));
    this.unpacked.add(dir);
    try {
      await extractBundleForReplay(file, dir);
      return await this.openDir(dir, verify, { file, unpacked: dir });
    } catch (e) {
      await this.removeUnpacked(dir);
      const v = await verify;
      if (v.ok) throw e;
      const code = e instanceof RedeskError ? e.code : 'IO_ERROR';
      throw new RedeskError(code, `${file} cannot be replayed: ${(e as Error).message} Verification says: ${v.message}`, { where: source });
    }
  }

  private async openDir(dir: string, verifyP: Promise<{ ok: boolean; message: string }>, bundle?: { file: string; unpacked: string }): Promise<ReplayInfo> {
    const t0 = Date.now();
    const state = await readAttemptState(dir);
    const [index, verify] = await Promise.all([buildIndex(dir, { snapshots: this.opts.snapshots, baseline: state.baseline }), verifyP]);
    if (index.skippedLines) this.opts.logger.warn('replay: lines that are not records were skipped', { dir, lines: index.skippedLines });
    if (index.saves.mismatched) this.opts.logger.warn('replay: saved files differ from the replayed editor text', { dir, ...index.saves });
    const replayId = `rp-${randomBytes(6).toString('hex')}`;
    const info: ReplayInfo = {
      replayId,
      attemptId: index.meta.attempt,
      envId: state.envId ?? '',
      durationMs: index.durationMs,
      records: index.table.count,
      terminals: index.terminals,
      files: index.files,
      markers: index.markers,
      scores: index.scores,
      verify,
      ...(bundle ? { bundle: bundle.file } : {}),
    };
    this.evict();
    this.open.set(replayId, { info, index, usedAt: ++this.clock, ...(bundle ? { unpacked: bundle.unpacked } : {}) });
    this.opts.logger.info('replay: opened', { dir, records: info.records, snapshots: index.snapshots.length, ms: Date.now() - t0 });
    return info;
  }

  async frame(replayId: string, t: number): Promise<ReplayFrame> {
    const r = this.get(replayId);
    return frameAt(r.index, finite(t, 't'));
  }

  /** Records with fromT <= t < toT; at most `limit`, but never splitting records that share a t. */
  async range(replayId: string, fromT: number, toT: number, limit?: number): Promise<EventRecord[]> {
    const { table } = this.get(replayId).index;
    const max = clampLimit(limit, RANGE_LIMIT);
    const from = table.lowerBound(finite(fromT, 'fromT'));
    let to = table.lowerBound(finite(toT, 'toT'));
    if (to - from > max) {
      to = from + max;
      const lastT = table.t(to - 1);
      while (to < table.count && table.t(to) === lastT) to++;
    }
    return table.read(from, to);
  }

  async search(replayId: string, query: string, opts: { regex?: boolean; limit?: number } = {}): Promise<ReplayHit[]> {
    const { index } = this.get(replayId);
    if (typeof query !== 'string' || query === '') throw new RedeskError('BAD_REQUEST', 'Search for what? The query is empty.');
    const limit = clampLimit(opts.limit, SEARCH_LIMIT);
    let re: RegExp;
    try {
      re = opts.regex ? new RegExp(query, 'gm') : new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
    } catch (e) {
      throw new RedeskError('BAD_REQUEST', `That is not a valid regular expression: ${(e as Error).message}`, { where: 'query', hint: 'Fix the pattern, or search for plain text.' });
    }
    const hits: ReplayHit[] = index.corpus.search(re, limit).map((m) => ({
      t: index.table.t(m.record),
      seq: index.table.seq(m.record),
      where: m.stream.where,
      ...(m.stream.ptyId !== undefined ? { ptyId: m.stream.ptyId } : {}),
      ...(m.stream.path !== undefined ? { path: m.stream.path } : {}),
      excerpt: m.excerpt,
    }));
    return hits.sort((a, b) => a.t - b.t || a.seq - b.seq).slice(0, limit);
  }

  async close(replayId: string): Promise<void> {
    const r = this.open.get(replayId);
    this.open.delete(replayId);
    if (r?.unpacked) await this.removeUnpacked(r.unpacked);
  }

  /** Open replays, for tests and diagnostics. */
  get openCount(): number {
    return this.open.size;
  }

  /** The index behind an open replay (tests check its snapshots and save checks). */
  indexOf(replayId: string): ReplayIndex {
    return this.get(replayId).index;
  }

  /** Folders of unpacked bundles still on disk (tests check they go). */
  get unpackedDirs(): string[] {
    return [...this.unpacked];
  }

  dispose(): void {
    this.open.clear();
    this.unpacked.clear();
    // Synchronous so a host that exits right after leaves no unpacked trajectories behind.
    if (this.unpackRootPath) rmSync(this.unpackRootPath, { recursive: true, force: true });
    this.unpackRoot = this.unpackRootPath = undefined;
  }

  private async removeUnpacked(dir: string): Promise<void> {
    this.unpacked.delete(dir);
    await rm(dir, { recursive: true, force: true });
  }

  private get(replayId: string): OpenReplay {
    const r = typeof replayId === 'string' ? this.open.get(replayId) : undefined;
    if (!r) {
      throw new RedeskError('BAD_REQUEST', `No open replay ${JSON.stringify(replayId)}: it was closed, or the host restarted.`, {
        where: 'replayId',
        hint: 'Open the replay again.',
      });
    }
    r.usedAt = ++this.clock;
    return r;
  }

  private evict(): void {
    const max = this.opts.maxOpen ?? DEFAULT_MAX_OPEN;
    while (this.open.size >= max) {
      let oldest: [string, OpenReplay] | undefined;
      for (const e of this.open) if (!oldest || e[1].usedAt < oldest[1].usedAt) oldest = e;
      this.open.delete(oldest![0]);
      if (oldest![1].unpacked) void this.removeUnpacked(oldest![1].unpacked);
    }
  }

  /** An attempt id, or a folder holding events/ (absolute, or relative to the data folder). */
  private async resolveSource(source: string): Promise<string> {
    if (typeof source !== 'string' || source.trim() === '') throw new RedeskError('BAD_REQUEST', 'Replay what? Give an attempt id, an attempt folder or a .redesk bundle.');
    const dir = ATTEMPT_ID_RE.test(source) ? await this.opts.attemptDir(source) : resolve(this.opts.dataDir, source);
    const isDir = await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir) throw new RedeskError('ATTEMPT_NOT_FOUND', `No attempt folder at ${dir}.`, { where: source, hint: 'Give an attempt id from the list, or the folder that holds events/.' });
    return dir;
  }
}

/** envId and baseline from the attempt's state.json, when there is one (a copied folder may not have it). */
async function readAttemptState(dir: string): Promise<{ envId?: string; baseline?: { start: number; reference: number } }> {
  try {
    const s = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as { envId?: unknown; baseline?: { start?: unknown; reference?: unknown } };
    const b = s.baseline;
    return {
      envId: typeof s.envId === 'string' ? s.envId : undefined,
      baseline: b && typeof b.start === 'number' && typeof b.reference === 'number' ? { start: b.start, reference: b.reference } : undefined,
    };
  } catch {
    return {};
  }
}

function finite(v: number, name: string): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new RedeskError('BAD_REQUEST', `${name} must be a number of milliseconds.`, { where: name });
  return v;
}

function clampLimit(limit: number | undefined, l: { default: number; max: number }): number {
  if (limit === undefined || limit === null) return l.default;
  if (typeof limit !== 'number' || !(limit >= 1)) throw new RedeskError('BAD_REQUEST', 'limit must be a positive number.', { where: 'limit' });
  return Math.min(Math.floor(limit), l.max);
}
