import { RedeskError } from '../../../common/errors';
import { BLOCK, isZeroBlock, padding, parseHeader, parsePax, type TarType } from './tarHeader';

/** A pax header holds a name and a size; anything this large is not one of ours. */
const MAX_PAX_BYTES = 64 * 1024;
/** GNU tar pads an archive with zeros to its 10 KiB record size; far more than that is not padding. */
const MAX_TRAILER_BYTES = 1024 * 1024;

export interface TarEntry {
  name: string;
  size: number;
  type: TarType;
  flag: string;
  linkname: string;
  /** Byte offset of the entry's first header block in the archive. */
  offset: number;
}

/**
 * Reads a tar archive from a stream of chunks, one entry at a time, never holding more than one chunk (plus a
 * pax header) in memory. next() returns the next entry's header (or null at the end-of-archive blocks); data()
 * yields that entry's bytes exactly, in the source's chunks. Truncation throws BUNDLE_TRUNCATED, a bad header
 * BUNDLE_MALFORMED. What an entry may be (type, name, size) is the caller's judgement.
 */
export class TarReader {
  private readonly it: AsyncIterator<Buffer>;
  private chunk: Buffer = Buffer.alloc(0);
  private at = 0;
  private pos = 0;
  /** Data bytes (and then padding) of the current entry not yet consumed. */
  private remaining = 0;
  private pad = 0;
  private ended = false;

  constructor(source: AsyncIterable<Buffer>) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** Bytes consumed so far. */
  get position(): number {
    return this.pos;
  }

  async next(): Promise<TarEntry | null> {
    if (this.ended) return null;
    await this.skipRest();
    const offset = this.pos;
    let pax: Map<string, string> | undefined;
    for (;;) {
      const block = await this.exact(BLOCK, 'a header');
      if (isZeroBlock(block)) {
        // End of archive: a second zero block must follow (what is after it is not read).
        const second = await this.exact(BLOCK, 'the end-of-archive blocks');
        if (!isZeroBlock(second)) throw malformed(this.pos - BLOCK, 'a zero block is followed by data: the archive has a hole in it');
        await this.trailer();
        this.ended = true;
        return null;
      }
      const h = parseHeader(block);
      if ('error' in h) throw malformed(this.pos - BLOCK, h.error);
      if (h.type === 'pax') {
        if (pax) throw malformed(this.pos - BLOCK, 'two pax headers in a row');
        if (h.size > MAX_PAX_BYTES) throw new RedeskError('BUNDLE_TOO_LARGE', `A pax header at byte ${this.pos - BLOCK} claims ${h.size} bytes.`);
        const body = await this.exact(h.size, 'a pax header');
        await this.exact(padding(h.size), 'a pax header');
        const parsed = parsePax(body);
        if ('error' in parsed) throw malformed(this.pos, parsed.error);
        pax = parsed;
        continue;
      }
      let size = h.size;
      const paxSize = pax?.get('size');
      if (paxSize !== undefined) {
        if (!/^\d{1,16}$/.test(paxSize) || !Number.isSafeInteger(Number(paxSize))) throw malformed(offset, `pax size "${paxSize.slice(0, 20)}" is not a number`);
        size = Number(paxSize);
      }
      const name = pax?.get('path') ?? h.name;
      // Links, folders and devices carry no data in a tar, whatever their size field says.
      const hasData = h.type === 'file' || h.type === 'other' || h.type === 'gnu-long' || h.type === 'pax-global';
      this.remaining = hasData ? size : 0;
      this.pad = hasData ? padding(size) : 0;
      return { name, size, type: h.type, flag: h.flag, linkname: pax?.get('linkpath') ?? h.linkname, offset };
    }
  }

  /** The current entry's bytes, as they arrive. */
  async *data(): AsyncGenerator<Buffer> {
    while (this.remaining > 0) {
      const piece = await this.upTo(this.remaining, 'entry data');
      this.remaining -= piece.length;
      yield piece;
    }
    const pad = await this.exact(this.pad, 'entry padding');
    this.pad = 0;
    // Padding is not covered by any hash; zeros are the only bytes it may hold, so no byte goes unchecked.
    if (pad.some((b) => b !== 0)) throw malformed(this.pos - pad.length, 'the padding after an entry is not zeros');
  }

  /** Stops reading the source (for a reader given up on early). */
  async close(): Promise<void> {
    await this.it.return?.();
  }

  /** After the end-of-archive blocks only zeros may follow (tar pads to its record size), and not forever. */
  private async trailer(): Promise<void> {
    let seen = 0;
    for (;;) {
      if (this.at >= this.chunk.length) {
        const r = await this.it.next();
        if (r.done) return;
        this.chunk = r.value;
        this.at = 0;
      }
      const rest = this.chunk.subarray(this.at);
      if (rest.some((b) => b !== 0)) throw malformed(this.pos, 'there are bytes after the end of the archive');
      seen += rest.length;
      this.pos += rest.length;
      this.at = this.chunk.length;
      if (seen > MAX_TRAILER_BYTES) throw malformed(this.pos, `the archive does not end (more than ${MAX_TRAILER_BYTES} bytes after its end)`);
    }
  }

  private async skipRest(): Promise<void> {
    for await (const piece of this.data()) void piece;
  }

  /** Exactly n bytes (copied when they span chunks); BUNDLE_TRUNCATED when the source ends first. */
  private async exact(n: number, what: string): Promise<Buffer> {
    if (n === 0) return Buffer.alloc(0);
    if (this.chunk.length - this.at >= n) {
      const out = this.chunk.subarray(this.at, this.at + n);
      this.at += n;
      this.pos += n;
      return out;
    }
    const parts: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const piece = await this.upTo(need, what);
      parts.push(Buffer.from(piece));
      need -= piece.length;
    }
    return Buffer.concat(parts, n);
  }

  /** Up to n bytes from the current chunk, loading the next chunk when it is used up. */
  private async upTo(n: number, what: string): Promise<Buffer> {
    while (this.at >= this.chunk.length) {
      const r = await this.it.next();
      if (r.done) throw new RedeskError('BUNDLE_TRUNCATED', `The bundle ends at byte ${this.pos}, in the middle of ${what}: it was cut short.`, { hint: 'Copy the bundle again from its source.' });
      this.chunk = r.value;
      this.at = 0;
    }
    const take = Math.min(n, this.chunk.length - this.at);
    const out = this.chunk.subarray(this.at, this.at + take);
    this.at += take;
    this.pos += take;
    return out;
  }
}

function malformed(at: number, why: string): RedeskError {
  return new RedeskError('BUNDLE_MALFORMED', `The bundle is not a valid tar archive at byte ${at}: ${why}.`, { hint: 'Copy the bundle again from its source.' });
}
