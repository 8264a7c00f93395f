import type { LogFile } from './logFs';

/** Bytes on their way to a file; `written` survives a failed attempt so the retry goes on where it stopped. */
export interface PendingWrite {
  buf: Buffer;
  written: number;
}

/**
 * One file the recorder appends to, tracking its size itself so every write goes to an explicit position: a write
 * retried after a full disk rewrites the same bytes instead of appending them twice.
 */
export class AppendFile {
  constructor(
    readonly path: string,
    private readonly file: LogFile,
    private sizeBytes: number,
  ) {}

  get size(): number {
    return this.sizeBytes;
  }

  /** Writes what is left of `w` (normally in one write call), then fdatasyncs. Throws with `w.written` advanced. */
  async writeDurably(w: PendingWrite): Promise<void> {
    while (w.written < w.buf.length) {
      const start = this.sizeBytes - w.written;
      const n = await this.file.write(w.buf, w.written, w.buf.length - w.written, start + w.written);
      if (n <= 0) throw Object.assign(new Error(`${this.path}: the disk accepted no bytes`), { code: 'EIO' });
      w.written += n;
      this.sizeBytes = start + w.written;
    }
    await this.file.datasync();
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
