/**
 * Queues the renderer's records for one attempt and sends them in order with recordEvents, in batches. Nothing is
 * dropped on a failure: the batch stays at the head of the queue and is retried with backoff, or at once when the
 * connection comes back. A slot may be a promise (a hash being computed) so that a record keeps its place in the
 * order even when it is built asynchronously.
 */
import type { ClientEvent, LogStatus } from '../../../main/common/api';
import { checkKnownData } from '../../../main/common/events/kinds';
import type { EventRecord } from '../../../main/common/events/record';
import { ApiError } from '../api/ApiError';
import { jsonBytes } from './clientEvents';
import { landedCount } from './landed';

/** Typing at 5 keys/s gives one batch per ~200 ms: a few requests a second, and a record durable well within 0.5 s. */
export const BATCH_INTERVAL_MS = 200;
/** A burst (a paste, a multi-cursor edit repeated) goes out at once rather than waiting for the timer. */
export const BATCH_MAX = 100;
/**
 * JSON bytes per call, well under the host's 1 MiB limit. A record larger than this goes alone; one over the host's
 * limit by itself (an editor change pasting megabytes) is refused and reported, as the host allows nothing bigger.
 */
export const BATCH_MAX_BYTES = 256 * 1024;
export const RETRY_MIN_MS = 500;
/** Long enough not to hammer a host that is down, short enough that the indicator recovers promptly. */
export const RETRY_MAX_MS = 10_000;
/** Records read per logTail call while looking for a batch whose answer was lost. */
const TAIL_PAGE = 1000;
/** Records searched at most; a batch not found within them is sent again. */
const TAIL_MAX_PAGES = 20;

/** Errors that no retry can fix: the record is given up (and reported) rather than blocking every later one. */
const FATAL = new Set(['ATTEMPT_NOT_FOUND', 'ATTEMPT_BAD_STATE', 'BAD_REQUEST']);

export interface RecorderDeps {
  send(events: ClientEvent[]): Promise<LogStatus>;
  /** The log after `afterSeq` (logTail), to learn whether a batch whose answer was lost was written. */
  tail(afterSeq: number, limit: number): Promise<EventRecord[]>;
  /** Every LogStatus a send returned. */
  onStatus(status: LogStatus): void;
  /** The queue or the last error changed. */
  onChange(): void;
  /** A record given up: malformed (a bug) or refused for good by the host. */
  onDropped(events: ClientEvent[], reason: { code: string; message: string }): void;
}

interface Slot {
  /** undefined while its promise is pending; null when it resolved to nothing (a failed save records no save). */
  event: ClientEvent | null | undefined;
}

const KIND_RE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

/** The host's own append check (appendRules.ts), run before queueing so one bad record never blocks a batch. */
export function clientEventProblem(e: ClientEvent): string | undefined {
  if (e.src !== 'editor' && e.src !== 'app') return `unknown source ${JSON.stringify(e.src)}`;
  if (!KIND_RE.test(e.kind) || !e.kind.startsWith(`${e.src}.`)) return `kind ${JSON.stringify(e.kind)} is not under "${e.src}."`;
  return checkKnownData(e.kind, e.data);
}

export class Recorder {
  private readonly slots: Slot[] = [];
  /** Slots that have left the queue (sent, given up, or resolved to nothing), counted since the start. */
  private done = 0;
  private enqueued = 0;
  private sending = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay = 0;
  /** The head batch's last send was lost with the connection: it may be in the log already. */
  private uncertain: { count: number; afterSeq: number } | null = null;
  private lastSeq = -1;
  private waiters: { target: number; resolve: () => void }[] = [];
  /** While positive, batches hold one record: a batch was refused as malformed and the culprit is being found. */
  private singles = 0;
  /** The last failure, cleared by the next success; the indicator says why it is not saved. */
  lastError: { code: string; message: string } | null = null;

  constructor(private readonly deps: RecorderDeps) {}

  /** Records not yet acknowledged by the host (queued, being hashed, or in flight). */
  get pending(): number {
    return this.enqueued - this.done;
  }

  /** The host's lastSeq as last heard, from any source (the session feeds it `log.status` events too). */
  noteLastSeq(seq: number): void {
    if (seq > this.lastSeq) this.lastSeq = seq;
  }

  enqueue(event: ClientEvent | Promise<ClientEvent | null>): void {
    if (!(event instanceof Promise) && !this.accept(event)) return;
    const slot: Slot = { event: event instanceof Promise ? undefined : event };
    this.slots.push(slot);
    this.enqueued++;
    if (event instanceof Promise) {
      event.then(
        (e) => (slot.event = e && this.accept(e) ? e : null),
        () => (slot.event = null),
      ).finally(() => this.schedule());
    }
    this.deps.onChange();
    this.schedule();
  }

  /**
   * Sends everything queued so far, now. Resolves true once it is all acknowledged, false after `timeoutMs`
   * (the records stay queued and keep being retried).
   */
  flush(timeoutMs: number): Promise<boolean> {
    const target = this.enqueued;
    if (this.done >= target) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      const waiter = {
        target,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      this.waiters.push(waiter);
      this.sendNow();
    });
  }

  /** Sends the ready head of the queue in this task (the page may be closing: no timer will run). */
  sendNow(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.retryDelay = 0;
    void this.pump();
  }

  /** The connection is back: retry now rather than at the end of the backoff. */
  retryNow(): void {
    if (this.pending > 0) this.sendNow();
  }

  private accept(e: ClientEvent): boolean {
    const problem = clientEventProblem(e);
    if (!problem) return true;
    this.deps.onDropped([e], { code: 'BAD_REQUEST', message: `${e.kind}: ${problem}` });
    return false;
  }

  private readyCount(): number {
    let n = 0;
    while (n < this.slots.length && this.slots[n]!.event !== undefined) n++;
    return n;
  }

  private schedule(): void {
    if (this.sending) return;
    // Slots that resolved to nothing leave from the head at once.
    this.dropNullHead();
    if (this.retryDelay > 0) return; // the retry timer is set
    const ready = this.readyCount();
    if (ready >= BATCH_MAX || (ready > 0 && this.waiters.length > 0)) this.sendSoon(0);
    else if (ready > 0 && this.timer === undefined) this.sendSoon(BATCH_INTERVAL_MS);
  }

  private sendSoon(ms: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pump();
    }, ms);
  }

  private dropNullHead(): void {
    let n = 0;
    while (n < this.slots.length && this.slots[n]!.event === null) n++;
    if (n > 0) this.complete(n);
  }

  /** The first n slots have left the queue. */
  private complete(n: number): void {
    this.slots.splice(0, n);
    this.done += n;
    const ready = this.waiters.filter((w) => this.done >= w.target);
    this.waiters = this.waiters.filter((w) => this.done < w.target);
    for (const w of ready) w.resolve();
  }

  private async pump(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      if (this.uncertain && !(await this.reconcile())) return;
      this.dropNullHead();
      const count = this.batchSize();
      if (count === 0) return;
      const batch = this.slots.slice(0, count).map((s) => s.event!);
      const afterSeq = this.lastSeq;
      try {
        const status = await this.deps.send(batch);
        this.noteLastSeq(status.lastSeq);
        this.succeeded();
        this.complete(count);
        if (this.singles > 0) this.singles--;
        this.deps.onStatus(status);
      } catch (e) {
        const err = ApiError.from(e);
        if (err.code === 'DISCONNECTED') this.uncertain = { count, afterSeq };
        this.failed(err, batch);
      }
    } finally {
      this.sending = false;
      this.deps.onChange();
      this.schedule();
    }
  }

  /** How many ready records the next call takes: up to BATCH_MAX and BATCH_MAX_BYTES, and at least one. */
  private batchSize(): number {
    const max = Math.min(this.readyCount(), this.singles > 0 ? 1 : BATCH_MAX);
    let bytes = 0;
    for (let n = 0; n < max; n++) {
      bytes += jsonBytes(this.slots[n]!.event);
      if (bytes > BATCH_MAX_BYTES) return Math.max(1, n);
    }
    return max;
  }

  /** Settles a batch whose answer was lost; false while the log cannot be read either (retry later). */
  private async reconcile(): Promise<boolean> {
    const { count, afterSeq } = this.uncertain!;
    const batch = this.slots.slice(0, count).map((s) => s.event!);
    try {
      const records: EventRecord[] = [];
      let after = afterSeq;
      for (let page = 0; page < TAIL_MAX_PAGES; page++) {
        const got = await this.deps.tail(after, TAIL_PAGE);
        records.push(...got);
        if (got.length < TAIL_PAGE) break;
        after = got[got.length - 1]!.seq;
      }
      this.uncertain = null;
      const landed = landedCount(batch, records);
      if (landed > 0) {
        this.noteLastSeq(records[records.length - 1]!.seq);
        this.complete(landed);
      }
      return true;
    } catch (e) {
      this.failed(ApiError.from(e), []);
      return false;
    }
  }

  private succeeded(): void {
    this.retryDelay = 0;
    this.lastError = null;
  }

  private failed(err: ApiError, batch: ClientEvent[]): void {
    const reason = { code: err.code, message: err.message };
    if (FATAL.has(err.code) && batch.length > 0) {
      if (err.code === 'BAD_REQUEST' && batch.length > 1) {
        // One record is refused: send these one at a time to find it, so only that one is lost.
        this.singles = batch.length;
      } else {
        this.complete(batch.length);
        if (this.singles > 0) this.singles--;
        this.deps.onDropped(batch, reason);
      }
      return;
    }
    this.lastError = reason;
    this.retryDelay = Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, this.retryDelay * 2));
    this.sendSoon(this.retryDelay);
  }
}
