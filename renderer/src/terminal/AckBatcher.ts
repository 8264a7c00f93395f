/**
 * Gathers the characters xterm has rendered and acknowledges them to the pty host in batches: one RPC per output
 * chunk would double the traffic of a flood. The host pauses the pty above 500k unacknowledged characters and
 * resumes below 250k, so acks of 16k characters (or every 16 ms, a frame) keep the pipe full without ever
 * stalling it, and cost one small message per 16k of output.
 */
export const ACK_BATCH_CHARS = 16_384;
export const ACK_BATCH_MS = 16;

export interface AckBatcherOptions {
  send: (chars: number) => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  batchChars?: number;
  batchMs?: number;
}

export class AckBatcher {
  private pending = 0;
  private timer: unknown = undefined;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private readonly batchChars: number;
  private readonly batchMs: number;

  constructor(private readonly opts: AckBatcherOptions) {
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
    this.batchChars = opts.batchChars ?? ACK_BATCH_CHARS;
    this.batchMs = opts.batchMs ?? ACK_BATCH_MS;
  }

  add(chars: number): void {
    if (chars <= 0) return;
    this.pending += chars;
    if (this.pending >= this.batchChars) this.flush();
    else if (this.timer === undefined) this.timer = this.setTimer(() => this.flush(), this.batchMs);
  }

  flush(): void {
    if (this.timer !== undefined) {
      this.clearTimer(this.timer);
      this.timer = undefined;
    }
    if (this.pending === 0) return;
    const n = this.pending;
    this.pending = 0;
    this.opts.send(n);
  }

  dispose(): void {
    this.flush();
  }
}
