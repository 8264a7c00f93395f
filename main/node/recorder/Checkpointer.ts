import type { KeyObject } from 'node:crypto';
import type { Clock, Logger } from '../../common/clock';
import type { AppendFile, PendingWrite } from './AppendFile';
import { signCheckpoint } from './checkpointSig';
import { Listeners } from './Listeners';

/** The last durable record, as a checkpoint names it. */
export interface DurableHead {
  seq: number;
  head: string;
  t: number;
}

/**
 * Signs and writes the checkpoints of one log (events/checkpoints.jsonl): one when the interval has passed or one
 * is wanted (a flush at a state change), only for records already durable, never two for the same seq. A
 * checkpoint whose write failed keeps its place and is written before any newer one.
 */
export class Checkpointer {
  private readonly queue: PendingWrite[] = [];
  private signedSeq: number;
  private writtenSeq: number;
  private lastMono: number;
  private wanted = false;
  private timer?: NodeJS.Timeout;
  private readonly listeners: Listeners<number>;

  constructor(
    private readonly file: AppendFile,
    private readonly attempt: string,
    private readonly privateKey: KeyObject,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    lastCheckpointSeq: number,
    logger: Logger,
  ) {
    this.signedSeq = lastCheckpointSeq;
    this.writtenSeq = lastCheckpointSeq;
    this.lastMono = clock.monoMs();
    this.listeners = new Listeners(logger);
  }

  /** The highest seq covered by a checkpoint on disk. */
  get seq(): number {
    return this.writtenSeq;
  }

  /** True while a signed checkpoint waits to be written. */
  get waiting(): boolean {
    return this.queue.length > 0;
  }

  onCheckpoint(listener: (seq: number) => void): () => void {
    return this.listeners.add(listener);
  }

  /** The next write() signs a checkpoint even if the interval has not passed. */
  want(): void {
    this.wanted = true;
  }

  /** Signs a checkpoint for `durable` when one is due or wanted, then writes every waiting one. */
  async write(durable: DurableHead): Promise<void> {
    const now = this.clock.monoMs();
    if ((this.wanted || now - this.lastMono >= this.intervalMs) && durable.seq > this.signedSeq) {
      const wall = new Date(this.clock.wallMs()).toISOString();
      const cp = signCheckpoint({ seq: durable.seq, head: durable.head, t: durable.t, wall }, this.attempt, this.privateKey);
      this.queue.push({ buf: Buffer.from(`${JSON.stringify(cp)}\n`, 'utf8'), written: 0 });
      this.signedSeq = cp.seq;
      this.lastMono = now;
    }
    this.wanted = false;
    while (this.queue.length) {
      await this.file.writeDurably(this.queue[0]!);
      this.queue.shift();
    }
    if (this.writtenSeq === this.signedSeq) return;
    this.writtenSeq = this.signedSeq;
    this.listeners.emit(this.writtenSeq);
  }

  /** Durable records not yet covered get a checkpoint within the interval even if nothing else triggers one. */
  schedule(durableSeq: number, run: () => void): void {
    if (this.timer || durableSeq <= this.writtenSeq) return;
    const wait = this.intervalMs - (this.clock.monoMs() - this.lastMono);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.wanted = true;
        run();
      },
      Math.min(this.intervalMs, Math.max(0, wait)),
    );
  }

  close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.file.close();
  }
}
