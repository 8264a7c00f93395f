import type { EventRecord } from '../../common/events/record';
import type { LogFs } from './logFs';
import { LogReader } from './LogReader';

export interface TailRange {
  /** Only records with a seq above this. */
  afterSeq: number;
  /** Only records with a seq below this (the part memory already holds). */
  beforeSeq?: number;
  /** At most this many: the newest of them. */
  limit: number;
}

/**
 * The newest records of a log on disk in a seq range, in order. One pass with a bounded window, so memory stays
 * at `limit` records whatever the log's size. A torn tail is left out; a damaged line throws LOG_CORRUPT.
 */
export async function readTail(attemptDir: string, range: TailRange, fs?: LogFs): Promise<EventRecord[]> {
  const window: EventRecord[] = [];
  if (range.limit <= 0) return window;
  const before = range.beforeSeq ?? Infinity;
  for await (const r of new LogReader(attemptDir, fs).records()) {
    if (r.seq <= range.afterSeq) continue;
    if (r.seq >= before) break;
    window.push(r);
    if (window.length > range.limit) window.shift();
  }
  return window;
}

/** Where a closed log stands: its last record and its last signed checkpoint (-1 when there are none). */
export async function readLogPosition(attemptDir: string, fs?: LogFs): Promise<{ lastSeq: number; checkpointSeq: number }> {
  const reader = new LogReader(attemptDir, fs);
  let lastSeq = -1;
  for await (const r of reader.records()) lastSeq = r.seq;
  const cps = await reader.checkpoints();
  let checkpointSeq = -1;
  for (const l of cps.lines) if (l.checkpoint && l.checkpoint.seq > checkpointSeq) checkpointSeq = l.checkpoint.seq;
  return { lastSeq, checkpointSeq };
}
