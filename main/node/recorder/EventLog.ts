import { createPublicKey, hash } from 'node:crypto';
import { join } from 'node:path';
import { RedeskError, toErrorData } from '../../common/errors';
import type { EventRecord, EventSrc, EventsMeta } from '../../common/events/record';
import { toOpenSsh } from '../keys/openssh';
import { AppendFile, type PendingWrite } from './AppendFile';
import { checkAppend } from './appendRules';
import { Checkpointer, type DurableHead } from './Checkpointer';
import { DEFAULT_TUNING, type EventData, type EventLogOptions, type EventLogTuning, type RecoveryInfo, type WriteErrorInfo } from './eventLogOptions';
import { segmentRef } from './eventsLayout';
import { newMeta, readMeta, writeMeta } from './eventsMeta';
import { Listeners } from './Listeners';
import { nodeLogFs, type LogFs } from './logFs';
import { LogReader } from './LogReader';
import { recoverTail, type LogTail } from './recoverTail';
import { SecretRedactor } from './SecretRedactor';

export type { EventData, EventLogOptions, EventLogTuning, RecoveryInfo, WriteErrorInfo } from './eventLogOptions';

const NEWLINE = Buffer.from('\n');

/**
 * A record's line: exactly JSON.stringify(record) with its keys in format order, assembled field by field because
 * stringify takes a slower path over the whole nested object (a fifth of the cost of appending a 200 KB pty batch).
 */
export function recordLine(r: EventRecord): string {
  const j = JSON.stringify;
  return `{"seq":${j(r.seq)},"t":${j(r.t)},"wall":${j(r.wall)},"src":${j(r.src)},"kind":${j(r.kind)},"data":${j(r.data)},"prev":${j(r.prev)}}`;
}

/** Records on their way to a segment, and the chain position they end at. */
interface Batch extends PendingWrite, DurableHead {}

/**
 * An attempt's trajectory writer: append-only JSON Lines in segments, hash-chained, made durable in groups, with
 * signed checkpoints. append() assigns seq and prev synchronously and never waits for the disk; each batch is one
 * write and one fdatasync. On a failing disk the unwritten tail stays in memory, in order, and is retried with
 * backoff until it lands; nothing is dropped.
 */
export class EventLog {
  /** Set when open() continued an existing log. */
  recovery?: RecoveryInfo;
  private readonly tuning: EventLogTuning;
  private readonly redactor: SecretRedactor;
  private nextSeq: number;
  private head: string;
  private tLast: number;
  /** Lines not yet handed to the disk, each followed by NEWLINE. */
  private pending: Buffer[] = [];
  private inflight?: Batch;
  private durable: DurableHead;
  private segmentIndex: number;
  private draining?: Promise<void>;
  private commitTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private retryDelay = 0;
  private lastError?: WriteErrorInfo;
  private closed = false;
  private readonly durableListeners: Listeners<number>;
  private readonly errorListeners: Listeners<WriteErrorInfo>;

  /** Opens the attempt's log, creating it, or recovering it (torn tail cut, chain checked) and marking the gap. */
  static async open(opts: EventLogOptions): Promise<EventLog> {
    const fs = opts.fs ?? nodeLogFs;
    const reader = new LogReader(opts.attemptDir, fs);
    const paths = reader.paths;
    await fs.mkdirp(paths.dir);
    const publicKey = createPublicKey(opts.key.privateKey);
    let meta = await readMeta(fs, paths.meta);
    if (!meta) {
      if ((await reader.segments()).length > 0) {
        throw new RedeskError('LOG_CORRUPT', `${paths.meta} is missing but the log has segments.`, { where: paths.meta });
      }
      meta = newMeta(opts.attemptId, publicKey, opts.clock.wallMs());
      await writeMeta(fs, paths.meta, meta);
    } else if (meta.attempt !== opts.attemptId) {
      throw new RedeskError('LOG_CORRUPT', `${paths.meta} belongs to attempt ${meta.attempt}, not ${opts.attemptId}.`, { where: paths.meta });
    } else if (meta.publicKey !== toOpenSsh(publicKey)) {
      throw new RedeskError('KEY_INVALID', `This attempt's log is signed by ${meta.publicKey}, not by the key given.`, {
        where: paths.meta,
        hint: 'Use the key this attempt started with; a new key cannot continue an old log.',
      });
    }
    const tail = await recoverTail(reader, fs, meta, publicKey);
    const segment = new AppendFile(tail.segment.path, await fs.openFile(tail.segment.path), tail.segmentSize);
    const cpFile = new AppendFile(paths.checkpoints, await fs.openFile(paths.checkpoints), tail.checkpointsSize);
    await fs.syncDir(paths.dir);
    const log = new EventLog(opts, fs, meta, paths.dir, tail, segment, cpFile);
    const closedAt = await readClosedMarker(fs, paths.dir);
    // A crash from here on is not clean. (A full disk must not stop the log from opening: at worst a later crash
    // would then read as a clean close.)
    if (closedAt) await fs.writeFileAtomic(closedMarkerPath(paths.dir), '{"open":true}\n').catch(() => undefined);
    if (tail.lastSeq >= 0) {
      const lastSign = Math.max(tail.lastWall ? Date.parse(tail.lastWall) : -Infinity, opts.lastAliveWallMs ?? -Infinity);
      const gapWallMs = Number.isFinite(lastSign) ? opts.clock.wallMs() - lastSign : 0;
      const { lastSeq, lastT, droppedTornBytes, droppedTornCheckpointBytes } = tail;
      // Clean: the last writer closed the log at exactly this record, and nothing was torn since.
      const clean = closedAt?.lastSeq === lastSeq && droppedTornBytes === 0 && droppedTornCheckpointBytes === 0;
      log.recovery = { lastSeq, lastT, gapWallMs, droppedTornBytes, droppedTornCheckpointBytes, clean };
      log.append('app', 'app.recovered', { gapWallMs, droppedTornBytes, lastSeq, clean }, opts.resumeT ?? lastT);
      // A full disk must not stop the attempt from opening: the record waits in memory and writeError says why.
      await log.flush().catch(() => undefined);
    }
    return log;
  }

  private readonly checkpointer: Checkpointer;

  private constructor(
    private readonly opts: EventLogOptions,
    private readonly fs: LogFs,
    readonly meta: EventsMeta,
    private readonly eventsDir: string,
    tail: LogTail,
    private segment: AppendFile,
    cpFile: AppendFile,
  ) {
    this.tuning = { ...DEFAULT_TUNING, ...opts.tuning };
    this.redactor = new SecretRedactor(opts.secrets ?? [], meta.salt);
    if (this.redactor.ignored.length) opts.logger.warn('recorder: secrets too short to redact were ignored', { count: this.redactor.ignored.length });
    this.nextSeq = tail.lastSeq + 1;
    this.head = tail.head;
    this.tLast = tail.lastT;
    this.durable = { seq: tail.lastSeq, head: tail.head, t: tail.lastT };
    this.segmentIndex = tail.segment.index;
    this.checkpointer = new Checkpointer(cpFile, meta.attempt, opts.key.privateKey, opts.clock, this.tuning.checkpointIntervalMs, tail.lastCheckpointSeq, opts.logger);
    this.durableListeners = new Listeners<number>(opts.logger);
    this.errorListeners = new Listeners<WriteErrorInfo>(opts.logger);
  }

  /** The highest seq handed out. */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** The t of the last record: after a crash, the attempt clock resumes from at least here. */
  get lastT(): number {
    return this.tLast;
  }

  /** The highest seq known to be on disk (fdatasynced): all a "saved" indicator may claim. */
  get durableSeq(): number {
    return this.durable.seq;
  }

  /** The highest seq covered by a signed checkpoint on disk. */
  get checkpointSeq(): number {
    return this.checkpointer.seq;
  }

  /** The current write failure while the writer retries; undefined once writes succeed again. */
  get writeError(): WriteErrorInfo | undefined {
    return this.lastError;
  }

  onDurable(listener: (seq: number) => void): () => void {
    return this.durableListeners.add(listener);
  }

  onCheckpoint(listener: (seq: number) => void): () => void {
    return this.checkpointer.onCheckpoint(listener);
  }

  /** The disk failed (DISK_FULL or IO_ERROR); the records are kept and the write is retried after retryInMs. */
  onWriteError(listener: (e: WriteErrorInfo) => void): () => void {
    return this.errorListeners.add(listener);
  }

  /**
   * Adds a record and returns it as written (data after secret redaction). `t` is attempt time in ms; a t below the
   * previous record's is raised to it, so t never goes back along the log. Throws BAD_REQUEST for a record that
   * breaks the format.
   */
  append<K extends string>(src: EventSrc, kind: K, data: EventData<K>, t: number): EventRecord {
    if (this.closed) throw new RedeskError('BAD_REQUEST', 'The event log is closed.');
    checkAppend(src, kind, data, t);
    const record: EventRecord = {
      seq: this.nextSeq,
      t: Math.max(t, this.tLast),
      wall: new Date(this.opts.clock.wallMs()).toISOString(),
      src,
      kind,
      data: this.redactor.redact(data as Record<string, unknown>),
      prev: this.head,
    };
    // The line is these exact bytes; the next record's prev commits to them. Encoded once, for the hash and the disk.
    const line = Buffer.from(recordLine(record), 'utf8');
    this.head = hash('sha256', line, 'hex');
    this.nextSeq++;
    this.tLast = record.t;
    this.pending.push(line, NEWLINE);
    if (!this.commitTimer && !this.retryTimer) {
      this.commitTimer = setTimeout(() => {
        this.commitTimer = undefined;
        this.background();
      }, this.tuning.commitIntervalMs);
    }
    return record;
  }

  /**
   * Writes everything appended so far and a checkpoint covering it, now (callers flush at state changes: start,
   * pause, score, submit). Resolves with durableSeq; rejects with DISK_FULL or IO_ERROR while the disk fails (the
   * records stay in memory and the writer keeps retrying).
   */
  async flush(): Promise<number> {
    const target = this.lastSeq;
    while (this.durable.seq < target || this.checkpointer.seq < target || this.checkpointer.waiting) {
      this.checkpointer.want();
      await this.drain();
    }
    return this.durable.seq;
  }

  /** Flushes and closes the files. If the flush fails the log stays open (and retrying); call close again later. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    clearTimeout(this.commitTimer);
    clearTimeout(this.retryTimer);
    await this.draining?.catch(() => undefined);
    await Promise.allSettled([this.segment.close(), this.checkpointer.close()]);
    // Everything is on disk: the next opener may call the gap a clean close rather than a crash.
    await this.fs.writeFileAtomic(closedMarkerPath(this.eventsDir), `${JSON.stringify({ lastSeq: this.durable.seq })}\n`).catch(() => undefined);
  }

  private background(): void {
    this.drain().catch(() => undefined); // reported through onWriteError; retried by its timer
  }

  /** One drain at a time; a caller arriving during one waits for it (it takes whatever is pending when it loops). */
  private drain(): Promise<void> {
    this.draining ??= this.drainNow().finally(() => (this.draining = undefined));
    return this.draining;
  }

  private async drainNow(): Promise<void> {
    clearTimeout(this.commitTimer);
    clearTimeout(this.retryTimer);
    this.commitTimer = this.retryTimer = undefined;
    try {
      do {
        while (this.inflight || this.pending.length) {
          this.inflight ??= this.takeBatch();
          await this.writeBatch(this.inflight);
          this.durable = { seq: this.inflight.seq, head: this.inflight.head, t: this.inflight.t };
          this.inflight = undefined;
          // The disk took a write: durable listeners must already see writeError gone (the "saved" indicator).
          this.lastError = undefined;
          this.durableListeners.emit(this.durable.seq);
        }
        await this.checkpointer.write(this.durable);
      } while (this.pending.length);
    } catch (e) {
      throw this.failed(e);
    }
    this.retryDelay = 0;
    this.lastError = undefined;
    if (!this.closed) this.checkpointer.schedule(this.durable.seq, () => this.background());
  }

  private takeBatch(): Batch {
    const buf = Buffer.concat(this.pending);
    this.pending = [];
    return { buf, written: 0, seq: this.lastSeq, head: this.head, t: this.tLast };
  }

  private async writeBatch(b: Batch): Promise<void> {
    // Batches are never split, so a segment ends on a record; it may pass segmentMaxBytes by one batch.
    if (b.written === 0 && this.segment.size > 0 && this.segment.size + b.buf.length > this.tuning.segmentMaxBytes) await this.roll();
    await this.segment.writeDurably(b);
  }

  private async roll(): Promise<void> {
    const ref = segmentRef(this.eventsDir, this.segmentIndex + 1);
    const file = await this.fs.openFile(ref.path);
    try {
      await this.fs.syncDir(this.eventsDir); // the new segment's name survives a power cut
    } catch (e) {
      await file.close().catch(() => undefined);
      throw e;
    }
    const old = this.segment;
    this.segment = new AppendFile(ref.path, file, 0);
    this.segmentIndex = ref.index;
    await old.close().catch(() => undefined);
  }

  /** Records the failure, schedules the retry with backoff, tells the listeners; returns the error to throw. */
  private failed(e: unknown): RedeskError {
    const data = toErrorData(e);
    const full = data.code === 'DISK_FULL';
    this.retryDelay = Math.min(this.tuning.retryMaxMs, this.retryDelay ? this.retryDelay * 2 : this.tuning.retryBaseMs);
    this.lastError = {
      code: full ? 'DISK_FULL' : 'IO_ERROR',
      message: `The event log could not be saved: ${data.message}`,
      hint: full ? 'Free some disk space; the recording is kept in memory and saved when there is room.' : 'The recording is kept in memory and saving is retried.',
      pendingRecords: this.lastSeq - this.durable.seq,
      retryInMs: this.retryDelay,
    };
    if (!this.closed) {
      clearTimeout(this.commitTimer);
      this.commitTimer = undefined;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.background();
      }, this.retryDelay);
    }
    this.errorListeners.emit(this.lastError);
    return RedeskError.fromData(this.lastError);
  }
}

/**
 * `events/closed.json`: written by a clean close with the last durable seq, overwritten on reopen. Outside the
 * chain (it only chooses between "closed" and "crashed" in the reopening record) and never bundled.
 */
function closedMarkerPath(eventsDir: string): string {
  return join(eventsDir, 'closed.json');
}

async function readClosedMarker(fs: LogFs, eventsDir: string): Promise<{ lastSeq: number } | undefined> {
  const buf = await fs.readFile(closedMarkerPath(eventsDir)).catch(() => undefined);
  if (!buf) return undefined;
  try {
    const v = JSON.parse(buf.toString('utf8')) as { lastSeq?: unknown };
    return typeof v.lastSeq === 'number' ? { lastSeq: v.lastSeq } : undefined;
  } catch {
    return undefined;
  }
}
