/**
 * VS Code's terminalProcess values: above 100,000 characters sent but not yet rendered the renderer is clearly
 * behind (a few screens of a flood), so the pty stops being read and the program blocks on its own writes instead
 * of filling our memory and IPC queues.
 */
export const HIGH_WATERMARK_CHARS = 100_000;
/** Resume only once the renderer has nearly caught up, so a flood doesn't toggle pause/resume on every ack. */
export const LOW_WATERMARK_CHARS = 5_000;

/**
 * Counts characters sent to the client and not yet acknowledged, and pauses/resumes the source across the
 * watermarks. Pure bookkeeping: the source's pause and resume are passed in.
 */
export class FlowControl {
  private unacked = 0;
  private isPaused = false;
  private disposed = false;

  constructor(
    private readonly source: { pause(): void; resume(): void },
    private readonly high = HIGH_WATERMARK_CHARS,
    private readonly low = LOW_WATERMARK_CHARS,
  ) {}

  get paused(): boolean {
    return this.isPaused;
  }

  get unacknowledged(): number {
    return this.unacked;
  }

  /** Characters committed for sending. */
  sent(chars: number): void {
    if (this.disposed) return;
    this.unacked += chars;
    if (!this.isPaused && this.unacked > this.high) {
      this.isPaused = true;
      this.source.pause();
    }
  }

  /** Characters the client has rendered. Over-acknowledging (a client that acks twice) cannot go below zero. */
  ack(chars: number): void {
    if (this.disposed || !Number.isFinite(chars) || chars <= 0) return;
    this.unacked = Math.max(0, this.unacked - chars);
    if (this.isPaused && this.unacked < this.low) {
      this.isPaused = false;
      this.source.resume();
    }
  }

  /** Stop regulating and let the source run, e.g. so a killed pty can drain and report its exit. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.isPaused) {
      this.isPaused = false;
      this.source.resume();
    }
  }
}
