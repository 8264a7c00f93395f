import { open } from 'node:fs/promises';
import type { EventRecord } from '../../common/events/record';

const INITIAL = 4096;

/**
 * Where every record of a log lies: its attempt time, seq, segment and byte range, in typed arrays (about 28 bytes
 * a record) rather than parsed objects, so an 8-hour log is indexed in a few MB and records are read back from the
 * segments on demand.
 */
export class RecordTable {
  private tArr = new Float64Array(INITIAL);
  private seqArr = new Float64Array(INITIAL);
  private segArr = new Uint32Array(INITIAL);
  private offArr = new Float64Array(INITIAL);
  private lenArr = new Uint32Array(INITIAL);
  count = 0;

  /** segmentPaths[i] is the file a record with segment i lives in. */
  constructor(readonly segmentPaths: readonly string[]) {}

  push(t: number, seq: number, segment: number, offset: number, length: number): void {
    if (this.count === this.tArr.length) this.grow();
    const i = this.count++;
    this.tArr[i] = t;
    this.seqArr[i] = seq;
    this.segArr[i] = segment;
    this.offArr[i] = offset;
    this.lenArr[i] = length;
  }

  t(i: number): number {
    return this.tArr[i]!;
  }

  seq(i: number): number {
    return this.seqArr[i]!;
  }

  /** Index of the first record with t >= x (count when none). */
  lowerBound(x: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.tArr[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first record with t > x: the number of records at or before x. */
  upperBound(x: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.tArr[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Records [from, to), read from the segments with one read per segment touched. */
  async read(from: number, to: number): Promise<EventRecord[]> {
    const out: EventRecord[] = [];
    let i = Math.max(0, from);
    const end = Math.min(to, this.count);
    while (i < end) {
      const seg = this.segArr[i]!;
      let j = i;
      while (j + 1 < end && this.segArr[j + 1] === seg) j++;
      const start = this.offArr[i]!;
      const stop = this.offArr[j]! + this.lenArr[j]!;
      const buf = Buffer.allocUnsafe(stop - start);
      const fh = await open(this.segmentPaths[seg]!, 'r');
      try {
        let got = 0;
        while (got < buf.length) {
          const { bytesRead } = await fh.read(buf, got, buf.length - got, start + got);
          if (bytesRead === 0) throw new Error(`${this.segmentPaths[seg]} ended before byte ${stop}: the log changed after it was indexed`);
          got += bytesRead;
        }
      } finally {
        await fh.close();
      }
      for (let k = i; k <= j; k++) {
        const off = this.offArr[k]! - start;
        out.push(JSON.parse(buf.toString('utf8', off, off + this.lenArr[k]!)) as EventRecord);
      }
      i = j + 1;
    }
    return out;
  }

  /** Drops the unused capacity once the log is read. */
  trim(): void {
    this.tArr = this.tArr.slice(0, this.count);
    this.seqArr = this.seqArr.slice(0, this.count);
    this.segArr = this.segArr.slice(0, this.count);
    this.offArr = this.offArr.slice(0, this.count);
    this.lenArr = this.lenArr.slice(0, this.count);
  }

  /** Bytes held by the arrays, for the bench's memory figure. */
  get bytes(): number {
    return this.tArr.byteLength + this.seqArr.byteLength + this.segArr.byteLength + this.offArr.byteLength + this.lenArr.byteLength;
  }

  private grow(): void {
    const n = Math.max(INITIAL, this.tArr.length * 2);
    const g = <T extends Float64Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.tArr = g(this.tArr, (k) => new Float64Array(k));
    this.seqArr = g(this.seqArr, (k) => new Float64Array(k));
    this.segArr = g(this.segArr, (k) => new Uint32Array(k));
    this.offArr = g(this.offArr, (k) => new Float64Array(k));
    this.lenArr = g(this.lenArr, (k) => new Uint32Array(k));
  }
}
