import type { EmitFn, LogStatus } from '../../common/api';
import type { Logger } from '../../common/clock';
import type { EventRecord, EventSrc } from '../../common/events/record';
import type { EventData, EventLog } from '../recorder/EventLog';

/** log.status events at most this often while records become durable (group commit runs every 250 ms anyway). */
export const STATUS_INTERVAL_MS = 250;
/** The newest records kept in memory for the live panel; older ones are read back from disk. */
const RECENT_MAX_RECORDS = 1_000;
/** ...and at most about this many characters of them: pty output batches are up to 200 KB each. */
const RECENT_MAX_CHARS = 4 * 1024 * 1024;

export interface StatusTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const realTimers: StatusTimers = {
  setTimeout: (fn, ms) => {
    const h = setTimeout(fn, ms);
    h.unref?.();
    return h;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export interface AttemptLogOptions {
  attemptId: string;
  log: EventLog;
  /** Attempt time now (ms): the t of every record the host stamps. */
  now: () => number;
  emit: EmitFn;
  logger: Logger;
  statusIntervalMs?: number;
  timers?: StatusTimers;
}

/**
 * One attempt's open trajectory as the services use it: records stamped with attempt time, the newest ones kept
 * for the live panel, and the "saved" state pushed to clients as log.status (throttled, but at once when the disk
 * starts or stops failing).
 */
export class AttemptLog {
  readonly attemptId: string;
  private readonly kept: EventRecord[] = [];
  private recentChars = 0;
  private statusTimer?: unknown;
  private lastEmitAt = -Infinity;
  private lastEmittedError = false;
  private readonly timers: StatusTimers;
  private readonly interval: number;
  private readonly unsubscribe: Array<() => void>;
  private closing?: Promise<void>;

  constructor(private readonly o: AttemptLogOptions) {
    this.attemptId = o.attemptId;
    this.timers = o.timers ?? realTimers;
    this.interval = o.statusIntervalMs ?? STATUS_INTERVAL_MS;
    this.unsubscribe = [
      o.log.onDurable(() => this.statusChanged()),
      o.log.onCheckpoint(() => this.statusChanged()),
      o.log.onWriteError(() => this.statusChanged()),
    ];
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** Appends a record at attempt time `t` (now when not given); synchronous, the disk write follows in a group. */
  append<K extends string>(src: EventSrc, kind: K, data: EventData<K>, t: number = this.o.now()): EventRecord {
    const r = this.o.log.append(src, kind, data, t);
    this.remember(r);
    return r;
  }

  /**
   * Writes everything appended so far, now (state changes). A failing disk does not fail the caller: the records
   * stay in memory, the writer retries, and log.status tells the client; resolves either way.
   */
  async flush(): Promise<void> {
    try {
      await this.o.log.flush();
    } catch (e) {
      this.o.logger.warn(`attempt ${this.attemptId}: the event log could not be saved yet: ${(e as Error).message}`);
    }
  }

  status(): LogStatus {
    const log = this.o.log;
    const s: LogStatus = { attemptId: this.attemptId, lastSeq: log.lastSeq, durableSeq: log.durableSeq, checkpointSeq: log.checkpointSeq };
    const e = log.writeError;
    if (e) s.writeError = { code: e.code, message: e.message, pendingRecords: log.lastSeq - log.durableSeq };
    return s;
  }

  get lastSeq(): number {
    return this.o.log.lastSeq;
  }

  /** The last record's attempt time. */
  get lastT(): number {
    return this.o.log.lastT;
  }

  /** The records memory holds with a seq above afterSeq, in order. */
  recent(afterSeq: number): EventRecord[] {
    const first = this.kept[0];
    if (!first) return [];
    return this.kept.slice(Math.max(0, afterSeq + 1 - first.seq));
  }

  /** The oldest seq memory holds (Infinity when none). */
  get oldestRecentSeq(): number {
    return this.kept[0]?.seq ?? Infinity;
  }

  /** Flushes and closes; a disk that still fails is logged (its records cannot be kept past this process). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.o.log.close();
      } catch (e) {
        this.o.logger.error(`attempt ${this.attemptId}: closing the event log failed, ${this.o.log.lastSeq - this.o.log.durableSeq} record(s) unsaved: ${(e as Error).message}`);
      }
      for (const u of this.unsubscribe) u();
      if (this.statusTimer !== undefined) this.timers.clearTimeout(this.statusTimer);
      this.statusTimer = undefined;
      this.emitStatus();
    })();
    return this.closing;
  }

  private remember(r: EventRecord): void {
    const size = approxChars(r);
    this.kept.push(r);
    this.recentChars += size;
    while (this.kept.length > RECENT_MAX_RECORDS || (this.recentChars > RECENT_MAX_CHARS && this.kept.length > 1)) {
      this.recentChars -= approxChars(this.kept.shift()!);
    }
  }

  private statusChanged(): void {
    const failing = this.o.log.writeError !== undefined;
    // The disk starting or stopping to fail is news the expert must see now; progress can wait a moment.
    if (failing !== this.lastEmittedError) return this.emitStatus();
    if (this.statusTimer !== undefined) return;
    const wait = this.lastEmitAt + this.interval - this.timers.now();
    if (wait <= 0) return this.emitStatus();
    this.statusTimer = this.timers.setTimeout(() => {
      this.statusTimer = undefined;
      this.emitStatus();
    }, wait);
  }

  private emitStatus(): void {
    if (this.statusTimer !== undefined) this.timers.clearTimeout(this.statusTimer);
    this.statusTimer = undefined;
    const s = this.status();
    this.lastEmitAt = this.timers.now();
    this.lastEmittedError = s.writeError !== undefined;
    this.o.emit('log.status', s);
  }
}

/** Roughly the characters a record holds (its strings two levels deep), to bound the memory the panel's tail uses. */
function approxChars(r: EventRecord): number {
  let n = 100;
  for (const v of Object.values(r.data)) {
    if (typeof v === 'string') n += v.length;
    else if (v && typeof v === 'object') for (const w of Object.values(v)) n += typeof w === 'string' ? w.length : 20;
  }
  return n;
}
