import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { RedeskError } from '../../../common/errors';
import { endOfArchive, fileHeader, padding } from './tarHeader';

/** Read and write in pieces of this size: large enough for throughput, small enough for flat memory. */
const CHUNK = 1 << 20;
/** Writes in flight at once; with one read ahead, this bounds the copy's memory to about 5 MiB. */
const MAX_INFLIGHT = 4;
/**
 * A file that will be synced starts its writeback each time this much more is written, so the disk works while
 * this thread hashes instead of all at the final sync (Linux would otherwise hold gigabytes dirty until then).
 */
const WRITEBACK_EVERY = 8 << 20;

/**
 * Writes a tar file with positional writes, starting wherever it is told (a bundle leaves room at the front for
 * its manifest, written last). File data is read, hashed and written in one pass, with the next read and earlier
 * writes running in the thread pool while this thread hashes: the copy runs at about the speed of SHA-256.
 */
export class TarFileWriter {
  private inflight: Promise<void>[] = [];
  private writeback?: Promise<void>;
  private writtenSinceWriteback = 0;
  private writebackError: unknown;

  private constructor(
    private readonly fh: FileHandle,
    /** Where the next entry goes. */
    public pos: number,
    private readonly early: boolean,
  ) {}

  /**
   * A new file (never an existing one), writing from byte `startAt`. `syncEarly`: it will be closed with
   * `sync: true`, so writeback may begin while it is written.
   */
  static async create(path: string, startAt = 0, opts: { syncEarly?: boolean } = {}): Promise<TarFileWriter> {
    return new TarFileWriter(await open(path, 'wx', 0o644), startAt, opts.syncEarly ?? false);
  }

  /** Copies a file as an entry; returns its sha256. BUNDLE_SOURCE_CHANGED when its size is not `size` any more. */
  async addFile(name: string, path: string, size: number, mtimeSec: number): Promise<string> {
    await this.write(fileHeader(name, size, mtimeSec));
    const hash = createHash('sha256');
    await readChunks(path, size, name, async (buf) => {
      hash.update(buf);
      await this.write(buf);
    });
    await this.write(Buffer.alloc(padding(size)));
    return hash.digest('hex');
  }

  /** An entry from bytes in memory; returns its sha256. */
  async addBytes(name: string, data: Buffer, mtimeSec: number): Promise<string> {
    await this.write(Buffer.concat([fileHeader(name, data.length, mtimeSec), data, Buffer.alloc(padding(data.length))]));
    return createHash('sha256').update(data).digest('hex');
  }

  /** The end-of-archive blocks; returns the archive's length. */
  async end(): Promise<number> {
    await this.write(endOfArchive());
    await this.drain();
    return this.pos;
  }

  /** Writes bytes at a position of the caller's choosing (the reserved front). */
  async writeAt(buf: Buffer, position: number): Promise<void> {
    await this.drain();
    await writeFully(this.fh, buf, position);
  }

  async close(opts: { sync: boolean }): Promise<void> {
    try {
      await this.drain();
      await this.writeback;
      if (this.writebackError) throw this.writebackError;
      if (opts.sync) await this.fh.sync();
    } finally {
      await this.fh.close();
    }
  }

  /** Queues a write at pos; waits only when too many are in flight. `buf` must not change afterwards. */
  private async write(buf: Buffer): Promise<void> {
    if (buf.length === 0) return;
    const p = writeFully(this.fh, buf, this.pos);
    // A failure surfaces at the next drain; until then it must not count as unhandled.
    p.catch(() => undefined);
    this.inflight.push(p);
    this.pos += buf.length;
    this.writtenSinceWriteback += buf.length;
    if (this.early && this.writtenSinceWriteback >= WRITEBACK_EVERY && !this.writeback) {
      // One at a time, in the thread pool. Its error is kept for close: Linux reports a failed writeback to one
      // sync only, so the final one could succeed over lost data.
      this.writtenSinceWriteback = 0;
      this.writeback = this.fh
        .datasync()
        .catch((e: unknown) => void (this.writebackError ??= e))
        .finally(() => (this.writeback = undefined));
    }
    if (this.inflight.length >= MAX_INFLIGHT) await this.inflight.shift();
  }

  private async drain(): Promise<void> {
    const all = this.inflight;
    this.inflight = [];
    await Promise.all(all);
  }
}

/** sha256 of a file that must be `size` bytes, streamed. BUNDLE_SOURCE_CHANGED when its size is not that. */
export async function hashFile(path: string, size: number, name: string): Promise<string> {
  const hash = createHash('sha256');
  await readChunks(path, size, name, (buf) => {
    hash.update(buf);
  });
  return hash.digest('hex');
}

/**
 * Calls `onChunk` with the file's bytes in order, reading one chunk ahead. The file must hold exactly `size`
 * bytes and keep its modification time while it is read: the manifest already says how large it is.
 */
async function readChunks(path: string, size: number, name: string, onChunk: (buf: Buffer) => void | Promise<void>): Promise<void> {
  const fh = await open(path, 'r');
  try {
    const before = await fh.stat();
    if (before.size !== size) throw changed(name, `it was ${size} bytes when the bundle was planned and is ${before.size} now`);
    const read = async (position: number): Promise<Buffer> => {
      // One byte more than is left, at the end, to notice a file that grew.
      const want = Math.min(CHUNK, size - position + 1);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(buf, 0, want, position);
      return buf.subarray(0, bytesRead);
    };
    let done = 0;
    let next = read(0);
    for (;;) {
      const buf = await next;
      if (done + buf.length > size) throw changed(name, 'it grew while it was being read');
      if (buf.length === 0) break;
      done += buf.length;
      next = read(done);
      next.catch(() => undefined);
      await onChunk(buf);
    }
    if (done !== size) throw changed(name, `it shrank to ${done} bytes while it was being read`);
    const after = await fh.stat();
    if (after.mtimeMs !== before.mtimeMs || after.size !== before.size) throw changed(name, 'it was modified while it was being read');
  } finally {
    await fh.close();
  }
}

async function writeFully(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off, position + off);
    off += bytesWritten;
  }
}

function changed(name: string, why: string): RedeskError {
  return new RedeskError('BUNDLE_SOURCE_CHANGED', `${name} changed while the bundle was being written: ${why}. No bundle was written.`, {
    where: name,
    hint: 'Make sure nothing writes to the attempt (close its terminals), then export again.',
  });
}
