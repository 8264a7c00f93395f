import type { EmitFn, LogStatus } from '../../common/api';
import type { Clock, Logger } from '../../common/clock';
import { toErrorData, type RedeskErrorData } from '../../common/errors';
import type { EventRecord } from '../../common/events/record';
import { loadOrCreateKey, type KeyProtector, type StoredKey } from '../keys/keyStore';
import { EventLog, type EventLogTuning } from '../recorder/EventLog';
import { readLogPosition, readTail } from '../recorder/readTail';
import { AttemptLog, type StatusTimers } from './AttemptLog';

export interface AttemptRecorderOptions {
  dataDir: string;
  clock: Clock;
  logger: Logger;
  emit: EmitFn;
  keyProtector?: KeyProtector;
  tuning?: Partial<EventLogTuning>;
  statusIntervalMs?: number;
  statusTimers?: StatusTimers;
}

export interface OpenLogOptions {
  attemptDir: string;
  now: () => number;
  secrets: readonly string[];
  /** Attempt time at reopening (for app.recovered). */
  resumeT?: number;
  /** The attempt clock's last heartbeat before this process took over (the recovery gap counts from here). */
  lastAliveWallMs?: number;
}

/** The live panel's default and largest page. */
export const TAIL_DEFAULT_LIMIT = 200;
export const TAIL_MAX_LIMIT = 2_000;

/**
 * The trajectories of the attempts this process works on: opens each attempt's EventLog (signed with the expert
 * key, made on first use), hands out the open ones, and closes them. A log that cannot be opened (edited on disk,
 * unreadable) does not stop the attempt: its records are dropped and counted, and logStatus says why.
 */
export class AttemptRecorder {
  private key?: Promise<StoredKey>;
  private readonly logs = new Map<string, AttemptLog>();
  private readonly opening = new Map<string, Promise<AttemptLog | undefined>>();
  private readonly failed = new Map<string, { error: RedeskErrorData; dropped: number }>();

  constructor(private readonly o: AttemptRecorderOptions) {}

  /** The expert key, made on first use. */
  expertKey(): Promise<StoredKey> {
    this.key ??= loadOrCreateKey(this.o.dataDir, 'expert', { protector: this.o.keyProtector });
    this.key.catch(() => (this.key = undefined));
    return this.key;
  }

  /** The open log of an attempt, if this process has it open. */
  get(attemptId: string): AttemptLog | undefined {
    return this.logs.get(attemptId);
  }

  /**
   * Opens (or returns) the attempt's log. `strict`: a failure throws (a new attempt must not start unrecorded);
   * otherwise it is remembered, and not retried by this process (a log edited on disk stays edited).
   */
  async open(attemptId: string, opts: OpenLogOptions, strict = false): Promise<AttemptLog | undefined> {
    const open = this.logs.get(attemptId);
    if (open) return open;
    if (!strict && this.failed.has(attemptId)) return undefined;
    let p = this.opening.get(attemptId);
    if (!p) {
      p = this.openNow(attemptId, opts).finally(() => this.opening.delete(attemptId));
      this.opening.set(attemptId, p);
    }
    try {
      return await p;
    } catch (e) {
      if (strict) throw e;
      this.failed.set(attemptId, { error: toErrorData(e), dropped: 0 });
      this.o.logger.error(`attempt ${attemptId}: its event log cannot be opened, nothing more is recorded: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** Counts a record that could not be written because the log failed to open. */
  dropped(attemptId: string): void {
    const f = this.failed.get(attemptId);
    if (f) f.dropped++;
  }

  async close(attemptId: string): Promise<void> {
    await this.opening.get(attemptId)?.catch(() => undefined);
    const log = this.logs.get(attemptId);
    if (!log) return;
    this.logs.delete(attemptId);
    await log.close();
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.opening.values()]);
    await Promise.all([...this.logs.keys()].map((id) => this.close(id)));
  }

  /** The log's state: from the open log, or from disk for one this process does not hold. */
  async status(attemptId: string, attemptDir: string): Promise<LogStatus> {
    const open = this.logs.get(attemptId);
    if (open) return open.status();
    const f = this.failed.get(attemptId);
    const pos = await readLogPosition(attemptDir).catch(() => ({ lastSeq: -1, checkpointSeq: -1 }));
    const s: LogStatus = { attemptId, lastSeq: pos.lastSeq, durableSeq: pos.lastSeq, checkpointSeq: pos.checkpointSeq };
    if (f) s.writeError = { code: f.error.code, message: `The event log cannot be written: ${f.error.message}`, pendingRecords: f.dropped };
    return s;
  }

  /** The newest records after afterSeq, from memory where it still holds them, else from disk. */
  async tail(attemptId: string, attemptDir: string, afterSeq = -1, limit = TAIL_DEFAULT_LIMIT): Promise<EventRecord[]> {
    const n = Math.max(0, Math.min(TAIL_MAX_LIMIT, Math.floor(limit)));
    if (n === 0) return [];
    const open = this.logs.get(attemptId);
    if (open) {
      const from = Math.max(afterSeq + 1, open.lastSeq - n + 1);
      if (open.oldestRecentSeq <= from) return open.recent(from - 1);
    }
    // Records older than memory are on disk: they were handed to the writer before the newer ones.
    const disk = await readTail(attemptDir, { afterSeq, beforeSeq: open?.oldestRecentSeq ?? Infinity, limit: n });
    const all = [...disk, ...(open?.recent(afterSeq) ?? [])];
    return all.slice(Math.max(0, all.length - n));
  }

  private async openNow(attemptId: string, opts: OpenLogOptions): Promise<AttemptLog> {
    const key = await this.expertKey();
    const log = await EventLog.open({
      attemptDir: opts.attemptDir,
      attemptId,
      key,
      clock: this.o.clock,
      logger: this.o.logger,
      secrets: opts.secrets,
      ...(opts.resumeT !== undefined ? { resumeT: opts.resumeT } : {}),
      ...(opts.lastAliveWallMs !== undefined ? { lastAliveWallMs: opts.lastAliveWallMs } : {}),
      ...(this.o.tuning ? { tuning: this.o.tuning } : {}),
    });
    const al = new AttemptLog({
      attemptId,
      log,
      now: opts.now,
      emit: this.o.emit,
      logger: this.o.logger,
      ...(this.o.statusIntervalMs !== undefined ? { statusIntervalMs: this.o.statusIntervalMs } : {}),
      ...(this.o.statusTimers ? { timers: this.o.statusTimers } : {}),
    });
    this.failed.delete(attemptId);
    this.logs.set(attemptId, al);
    return al;
  }
}
