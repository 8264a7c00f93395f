import type { KeyObject } from 'node:crypto';
import type { Checkpoint, EventsMeta } from '../../common/events/record';
import { RedeskError } from '../../common/errors';
import { checkpointSignatureValid } from './checkpointSig';
import { segmentRef, type SegmentRef } from './eventsLayout';
import { genesisHash } from './eventsMeta';
import type { LogFs } from './logFs';
import type { LogLine, LogReader } from './LogReader';

/** Where appending goes on after reopening a log. */
export interface LogTail {
  /** -1 for an empty log. */
  lastSeq: number;
  /** Hash of the last record's line (the genesis hash for an empty log): the next record's prev. */
  head: string;
  lastT: number;
  lastWall?: string;
  /** The segment to append to, and its size once any torn tail is cut. */
  segment: SegmentRef;
  segmentSize: number;
  checkpointsSize: number;
  lastCheckpointSeq: number;
  droppedTornBytes: number;
  droppedTornCheckpointBytes: number;
}

const HINT = 'The log was changed after it was written; run `redesk log verify` on the attempt folder to see where.';

/**
 * Readies a log for appending after a crash (or a clean close): cuts a torn tail off the last segment and off
 * checkpoints.jsonl, then verifies the chain from the last checkpoint (its signature, its head, every prev after it)
 * so the writer never extends a log that was edited. Only the segments from the one holding the last checkpoint on
 * are read, so reopening an 8-hour log costs about one segment.
 */
export async function recoverTail(reader: LogReader, fs: LogFs, meta: EventsMeta, publicKey: KeyObject): Promise<LogTail> {
  const cps = await reader.checkpoints();
  const bad = cps.lines.find((l) => l.error);
  if (bad) {
    throw new RedeskError('LOG_CHECKPOINT_INVALID', `checkpoints.jsonl line ${bad.line}: ${bad.error}`, { where: `checkpoints.jsonl:${bad.line}`, hint: HINT });
  }
  if (cps.torn) await truncate(fs, reader.paths.checkpoints, cps.torn.offset);
  const cp: Checkpoint | undefined = cps.lines[cps.lines.length - 1]?.checkpoint;
  if (cp && !checkpointSignatureValid(cp, meta.attempt, publicKey)) {
    throw new RedeskError('LOG_CHECKPOINT_INVALID', `The last checkpoint (seq ${cp.seq}) is not signed by this attempt's key.`, {
      where: `checkpoints.jsonl:${cps.lines.length}`,
      hint: HINT,
    });
  }

  const segs = await reader.segments();
  const from = cp ? await segmentHolding(reader, segs, cp.seq) : 0;
  let expected = cp ? undefined : 0;
  let prevHash = genesisHash(meta);
  let last: LogLine | undefined;
  for await (const l of reader.lines(segs, from)) {
    const where = `${l.segment.name}:${l.line}`;
    if (!l.record) throw new RedeskError('LOG_CORRUPT', `${where}: ${l.error}`, { where, hint: HINT });
    const { seq, prev } = l.record;
    if (expected === undefined) {
      // Before the last checkpoint's record: not ours to check again here (verifyLog does the whole log).
      if (seq < cp!.seq) continue;
      if (seq !== cp!.seq || l.hash !== cp!.head) {
        throw new RedeskError('LOG_CHECKPOINT_INVALID', `${where}: record ${cp!.seq} does not match the last checkpoint.`, { where, hint: HINT });
      }
    } else if (seq !== expected || prev !== prevHash) {
      throw new RedeskError('LOG_CHAIN_BROKEN', `${where}: the chain breaks at seq ${expected} (found seq ${seq}).`, { where, hint: HINT });
    }
    expected = seq + 1;
    prevHash = l.hash;
    last = l;
  }
  if (cp && expected === undefined) {
    throw new RedeskError('LOG_TRUNCATED', `The last checkpoint covers seq ${cp.seq}, but the log ends before it: records are missing.`, {
      where: 'checkpoints.jsonl',
      hint: HINT,
    });
  }

  const torn = reader.tornTail;
  const segment = segs[segs.length - 1] ?? segmentRef(reader.paths.dir, 1);
  if (torn) await truncate(fs, segment.path, torn.offset);
  return {
    lastSeq: last?.record?.seq ?? -1,
    head: prevHash,
    lastT: last?.record?.t ?? 0,
    lastWall: last?.record?.wall,
    segment,
    segmentSize: torn ? torn.offset : await sizeOf(fs, segment.path),
    checkpointsSize: cps.torn ? cps.torn.offset : cps.size,
    lastCheckpointSeq: cp?.seq ?? -1,
    droppedTornBytes: torn?.bytes ?? 0,
    droppedTornCheckpointBytes: cps.torn?.bytes ?? 0,
  };
}

/** Index (in segs) of the segment whose records include seq: the last one starting at or before it. */
async function segmentHolding(reader: LogReader, segs: SegmentRef[], seq: number): Promise<number> {
  for (let i = segs.length - 1; i > 0; i--) {
    for await (const l of reader.lines(segs.slice(i, i + 1))) {
      if (l.record && l.record.seq <= seq) return i;
      break; // only the first line matters
    }
  }
  return 0;
}

async function truncate(fs: LogFs, path: string, length: number): Promise<void> {
  const f = await fs.openFile(path);
  try {
    await f.truncate(length);
    await f.datasync();
  } finally {
    await f.close();
  }
}

async function sizeOf(fs: LogFs, path: string): Promise<number> {
  const f = await fs.openFile(path);
  try {
    return await f.size();
  } finally {
    await f.close();
  }
}
