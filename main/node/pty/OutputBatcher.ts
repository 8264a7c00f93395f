import { StringDecoder } from 'node:string_decoder';

/**
 * Hyper batches pty output for 16 ms or 200 KB: one message per frame keeps IPC and the renderer from drowning in
 * thousands of tiny chunks when a program floods the terminal. The first read after a quiet spell goes out at
 * once (a keystroke's echo should not wait for a timer); reads that follow within the interval are batched.
 */
export const BATCH_INTERVAL_MS = 16;
/** Flushing early at this size bounds a message (and the renderer's single write) to about 200 KB of text. */
export const BATCH_MAX_CHARS = 200 * 1024;

/**
 * Turns raw pty reads into batched strings. One StringDecoder per pty holds back the bytes of a character split
 * across two reads (a 4-byte emoji can straddle a 4 KB read boundary), so no character is ever cut in half.
 */
export class OutputBatcher {
  private readonly decoder = new StringDecoder('utf8');
  private pending: string[] = [];
  private pendingChars = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** While true, output arrived recently: gather reads until the timer flushes them. */
  private throttling = false;

  constructor(
    private readonly onFlush: (data: string) => void,
    private readonly intervalMs = BATCH_INTERVAL_MS,
    private readonly maxChars = BATCH_MAX_CHARS,
  ) {}

  /** Takes one read; returns how many characters it added to the output (what flow control counts). */
  write(chunk: Buffer): number {
    const text = this.decoder.write(chunk);
    if (text.length === 0) return 0;
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= this.maxChars) this.flush();
    else if (!this.throttling) {
      this.flush();
      this.throttle();
    } else this.timer ??= setTimeout(() => this.onInterval(), this.intervalMs);
    return text.length;
  }

  private throttle(): void {
    this.throttling = true;
    this.timer ??= setTimeout(() => this.onInterval(), this.intervalMs);
  }

  /** End of an interval: send what gathered; a quiet interval ends the throttle, so the next read goes at once. */
  private onInterval(): void {
    this.timer = undefined;
    if (this.pendingChars === 0) {
      this.throttling = false;
      return;
    }
    this.flush();
    this.throttle();
  }

  flush(): void {
    if (this.pendingChars === 0) return;
    const data = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    this.onFlush(data);
  }

  /** The pty closed: whatever bytes of an unfinished character remain become U+FFFD, and everything is sent. */
  end(): void {
    const rest = this.decoder.end();
    if (rest.length > 0) {
      this.pending.push(rest);
      this.pendingChars += rest.length;
    }
    this.flush();
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.throttling = false;
    this.pending = [];
    this.pendingChars = 0;
  }
}
