import type { ReplayHit } from '../../common/api';

/** Characters of context on each side of a match in a hit's excerpt. */
const CONTEXT_BEFORE = 40;
const CONTEXT_AFTER = 60;

export interface StreamKey {
  where: ReplayHit['where'];
  ptyId?: string;
  path?: string;
}

export interface Match {
  stream: StreamKey;
  /** The record holding the match's last character: seeking to it shows the whole match. */
  record: number;
  excerpt: string;
}

/**
 * One searchable text per stream (a terminal's output, a terminal's input, a file's typed text), built by
 * concatenating the records' text so that a match may span records, with the record each piece came from.
 */
class Stream {
  private parts: string[] = [];
  private startList: number[] = [];
  private recordList: number[] = [];
  private starts = new Float64Array(0);
  private records = new Uint32Array(0);
  private length = 0;
  private text = '';

  constructor(readonly key: StreamKey) {}

  add(record: number, piece: string): void {
    if (!piece) return;
    this.parts.push(piece);
    this.startList.push(this.length);
    this.recordList.push(record);
    this.length += piece.length;
  }

  /** Joins the pieces into one flat string and packs the offsets: far less memory than many small strings. */
  finish(): void {
    this.text += this.parts.join('');
    this.starts = Float64Array.from([...this.starts, ...this.startList]);
    this.records = Uint32Array.from([...this.records, ...this.recordList]);
    this.parts = [];
    this.startList = [];
    this.recordList = [];
  }

  *matches(re: RegExp, limit: number): Generator<Match> {
    if (this.parts.length) this.finish();
    const text = this.text;
    re.lastIndex = 0;
    let n = 0;
    let m: RegExpExecArray | null;
    while (n < limit && (m = re.exec(text)) !== null) {
      const start = m.index;
      const end = start + m[0].length;
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      n++;
      yield { stream: this.key, record: this.recordAt(end - 1), excerpt: excerpt(text, start, end) };
    }
  }

  private recordAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.records[lo]!;
  }
}

/** Every searchable stream of a log. */
export class SearchCorpus {
  private readonly streams = new Map<string, Stream>();

  add(key: StreamKey, record: number, text: string): void {
    const id = `${key.where}\u0000${key.ptyId ?? ''}\u0000${key.path ?? ''}`;
    let s = this.streams.get(id);
    if (!s) this.streams.set(id, (s = new Stream(key)));
    s.add(record, text);
  }

  finish(): void {
    for (const s of this.streams.values()) s.finish();
  }

  /** Up to `limit` matches per stream, in the order found; the caller orders them by time. */
  search(re: RegExp, limit: number): Match[] {
    const out: Match[] = [];
    for (const s of this.streams.values()) for (const m of s.matches(re, limit)) out.push(m);
    return out;
  }
}

function excerpt(text: string, start: number, end: number): string {
  const from = Math.max(0, start - CONTEXT_BEFORE);
  const to = Math.min(text.length, end + CONTEXT_AFTER);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what an excerpt must not show
  const body = text.slice(from, to).replace(/\r?\n/g, ' ⏎ ').replace(/[\u0000-\u001f\u007f]/g, ' ');
  return `${from > 0 ? '…' : ''}${body}${to < text.length ? '…' : ''}`;
}
