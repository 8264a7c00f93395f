import { hash } from 'node:crypto';
import type { Checkpoint, EventRecord, EventsMeta } from '../../common/events/record';
import { CheckpointSchema, EventRecordSchema } from '../../common/events/schema';
import { RedeskError } from '../../common/errors';
import { eventsPaths, listSegments, type SegmentRef } from './eventsLayout';
import { readMeta } from './eventsMeta';
import { nodeLogFs, type LogFs } from './logFs';

const NEWLINE = 0x0a;

/** One line of a segment, as stored: its bytes' hash and, when it parses, the record. */
export interface LogLine {
  segment: SegmentRef;
  /** 1-based line number within the segment. */
  line: number;
  /** Byte offsets of the line within the segment, without its newline. */
  offset: number;
  end: number;
  /** Hex SHA-256 of the line's bytes: what the next record's prev must be. */
  hash: string;
  record?: EventRecord;
  error?: string;
}

export interface TornTail {
  segment: string;
  /** Where the torn bytes start; the segment is good up to here. */
  offset: number;
  bytes: number;
}

export interface CheckpointLine {
  line: number;
  checkpoint?: Checkpoint;
  error?: string;
  /** The seq a malformed line names, when it names one; for error messages. */
  seqHint?: number;
}

export interface CheckpointFile {
  lines: CheckpointLine[];
  /** Bytes after the last good line when the file ends torn (a crash while it was written). */
  torn?: { offset: number; bytes: number };
  /** File size in bytes (0 when there is none). */
  size: number;
}

export function parseRecordLine(text: string): { record: EventRecord } | { error: string } {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return { error: 'not JSON' };
  }
  const r = EventRecordSchema.safeParse(obj);
  if (!r.success) return { error: r.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; ') };
  return { record: obj as EventRecord };
}

/**
 * Reads an attempt's trajectory: segments in order, line by line, one segment in memory at a time.
 * A torn tail (bytes after the last newline of the last segment, or an unparsable very last line) is not yielded;
 * it is reported in `tornTail` once the lines are read. A crash while writing leaves exactly that; anything
 * malformed elsewhere is yielded with `error` for the caller to judge.
 */
export class LogReader {
  readonly paths: ReturnType<typeof eventsPaths>;
  tornTail?: TornTail;

  constructor(
    readonly attemptDir: string,
    private readonly fs: LogFs = nodeLogFs,
  ) {
    this.paths = eventsPaths(attemptDir);
  }

  async meta(): Promise<EventsMeta> {
    const meta = await readMeta(this.fs, this.paths.meta);
    if (!meta) {
      throw new RedeskError('LOG_CORRUPT', `There is no trajectory in ${this.attemptDir}: events/meta.json is missing.`, {
        where: this.paths.meta,
        hint: 'Point at an attempt folder (the one holding events/).',
      });
    }
    return meta;
  }

  async segments(): Promise<SegmentRef[]> {
    return listSegments(this.paths.dir, await this.fs.readdir(this.paths.dir));
  }

  /** Lines of the segments from position `from` in segments() on. */
  async *lines(segments?: SegmentRef[], from = 0): AsyncGenerator<LogLine> {
    const segs = segments ?? (await this.segments());
    this.tornTail = undefined;
    for (let i = from; i < segs.length; i++) {
      const segment = segs[i]!;
      const buf = (await this.fs.readFile(segment.path)) ?? Buffer.alloc(0);
      const isLast = i === segs.length - 1;
      const lastNl = buf.lastIndexOf(NEWLINE);
      let goodEnd = lastNl + 1;
      let lastLine: LogLine | undefined;
      // An unparsable line counts as torn only when it is the very last thing in the log.
      if (isLast && lastNl >= 0 && lastNl === buf.length - 1) {
        const start = buf.lastIndexOf(NEWLINE, lastNl - 1) + 1;
        lastLine = this.makeLine(segment, 0, buf, start, lastNl);
        if (lastLine.error) goodEnd = start;
      }
      if (isLast && goodEnd < buf.length) this.tornTail = { segment: segment.name, offset: goodEnd, bytes: buf.length - goodEnd };
      let line = 0;
      let pos = 0;
      while (pos < goodEnd) {
        const nl = buf.indexOf(NEWLINE, pos);
        line++;
        if (lastLine && pos === lastLine.offset) yield { ...lastLine, line };
        else yield this.makeLine(segment, line, buf, pos, nl);
        pos = nl + 1;
      }
      // A middle segment that does not end in a newline was cut: its last bytes are a malformed line.
      if (!isLast && goodEnd < buf.length) yield { ...this.makeLine(segment, line + 1, buf, goodEnd, buf.length), error: 'no newline at the end of a segment that is not the last' };
    }
  }

  /** The records in order; a malformed line (not a torn tail) throws LOG_CORRUPT. */
  async *records(): AsyncGenerator<EventRecord> {
    for await (const l of this.lines()) {
      if (!l.record) {
        throw new RedeskError('LOG_CORRUPT', `${l.segment.name} line ${l.line}: ${l.error}`, {
          where: `${l.segment.name}:${l.line}`,
          hint: 'Run `redesk log verify` on the attempt to see what else is wrong.',
        });
      }
      yield l.record;
    }
  }

  /** checkpoints.jsonl, with a torn last line set apart like the segments'. */
  async checkpoints(): Promise<CheckpointFile> {
    const buf = await this.fs.readFile(this.paths.checkpoints);
    if (!buf) return { lines: [], size: 0 };
    const lines: CheckpointLine[] = [];
    let pos = 0;
    let lastGoodEnd = 0;
    while (pos < buf.length) {
      const nl = buf.indexOf(NEWLINE, pos);
      if (nl < 0) break;
      lines.push({ line: lines.length + 1, ...parseCheckpointLine(buf.subarray(pos, nl).toString('utf8')) });
      pos = nl + 1;
      lastGoodEnd = pos;
    }
    let tornFrom = lastGoodEnd;
    const last = lines[lines.length - 1];
    if (last?.error && lastGoodEnd === buf.length) {
      lines.pop();
      tornFrom = buf.lastIndexOf(NEWLINE, lastGoodEnd - 2) + 1;
    }
    const torn = tornFrom < buf.length ? { offset: tornFrom, bytes: buf.length - tornFrom } : undefined;
    return { lines, torn, size: buf.length };
  }

  private makeLine(segment: SegmentRef, line: number, buf: Buffer, start: number, end: number): LogLine {
    const bytes = buf.subarray(start, end);
    const parsed = parseRecordLine(bytes.toString('utf8'));
    return { segment, line, offset: start, end, hash: hash('sha256', bytes, 'hex'), ...parsed };
  }
}

function parseCheckpointLine(text: string): Omit<CheckpointLine, 'line'> {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return { error: 'not JSON' };
  }
  const r = CheckpointSchema.safeParse(obj);
  if (r.success) return { checkpoint: obj as Checkpoint };
  const seq = (obj as { seq?: unknown } | null)?.seq;
  return {
    error: r.error.issues.map((i) => `${i.path.join('.') || '(checkpoint)'}: ${i.message}`).join('; '),
    seqHint: Number.isSafeInteger(seq) ? (seq as number) : undefined,
  };
}
