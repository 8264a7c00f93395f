/**
 * Above 500,000 characters sent but not yet rendered (about 40 ms of xterm.js parsing on a slow machine) the
 * renderer is behind, so the pty stops being read and the program blocks on its own writes instead of filling our
 * memory and queues. VS Code uses 100,000/5,000; measured here (npm run bench) that leaves xterm idle while acks
 * travel back, at a quarter of its speed. Half a megabyte in flight costs a few MB at most.
 */
export const HIGH_WATERMARK_CHARS = 2_000_000;
/**
 * Resume while the renderer still has half the window queued: the ack round trip and the next batch then overlap
 * its parsing, so the pipe never runs dry, and the gap to the high mark keeps a flood from toggling on every ack.
 */
export const LOW_WATERMARK_CHARS = 1_000_000;

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
