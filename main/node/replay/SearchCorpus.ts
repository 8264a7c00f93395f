import vm from 'node:vm';
import type { ReplayHit } from '../../common/api';
import { RedeskError } from '../../common/errors';

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

  /** Up to `limit` non-empty matches, found within `budgetMs` (SEARCH_TOO_SLOW past it). */
  matches(re: RegExp, limit: number, budgetMs: number): Match[] {
    if (this.parts.length) this.finish();
    const text = this.text;
    const found = findAll(re, text, limit, budgetMs);
    const out: Match[] = [];
    for (let i = 0; i < found.length; i += 2) {
      const start = found[i]!;
      const end = start + found[i + 1]!;
      out.push({ stream: this.key, record: this.recordAt(end - 1), excerpt: excerpt(text, start, end) });
    }
    return out;
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

  /**
   * Up to `limit` matches per stream, in the order found; the caller orders them by time. The whole search may take
   * `budgetMs`: a pattern that backtracks without end (`(a+)+$`) is stopped there with SEARCH_TOO_SLOW instead of
   * holding the host's thread.
   */
  search(re: RegExp, limit: number, budgetMs = SEARCH_BUDGET_MS): Match[] {
    const deadline = Date.now() + budgetMs;
    const out: Match[] = [];
    for (const s of this.streams.values()) out.push(...s.matches(re, limit, Math.max(1, deadline - Date.now())));
    return out;
  }
}

/** How long one search may run over every stream of a log. */
const SEARCH_BUDGET_MS = 2_000;

/**
 * The matching loop runs as a script in its own context, because only a script's timeout can stop a regular
 * expression in the middle of its backtracking. Returns [start, length] pairs, flattened.
 */
const FIND_ALL = new vm.Script(`(() => {
  const out = [];
  re.lastIndex = 0;
  let m;
  while (out.length < 2 * limit && (m = re.exec(text)) !== null) {
    if (m[0].length === 0) { re.lastIndex++; continue; }
    out.push(m.index, m[0].length);
  }
  return out;
})()`);
const findContext = vm.createContext({});

function findAll(re: RegExp, text: string, limit: number, timeoutMs: number): number[] {
  Object.assign(findContext, { re, text, limit });
  try {
    return Array.from(FIND_ALL.runInContext(findContext, { timeout: timeoutMs }) as ArrayLike<number>);
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new RedeskError('SEARCH_TOO_SLOW', `The pattern ${re} did not finish within ${SEARCH_BUDGET_MS / 1000} s on this log.`, {
        where: 'query',
        hint: 'Simplify it: nested repetition such as (a+)+ or (.*)* can take forever; plain text search is always fast.',
      });
    }
    throw e;
  } finally {
    Object.assign(findContext, { re: undefined, text: undefined });
  }
}

function excerpt(text: string, start: number, end: number): string {
  const from = Math.max(0, start - CONTEXT_BEFORE);
  const to = Math.min(text.length, end + CONTEXT_AFTER);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what an excerpt must not show
  const body = text.slice(from, to).replace(/\r?\n/g, ' ⏎ ').replace(/[\u0000-\u001f\u007f]/g, ' ');
  return `${from > 0 ? '…' : ''}${body}${to < text.length ? '…' : ''}`;
}
