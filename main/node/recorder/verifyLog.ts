import type { KeyObject } from 'node:crypto';
import type { ErrorCode } from '../../common/errors';
import { isRedeskError } from '../../common/errors';
import type { Checkpoint, EventsMeta } from '../../common/events/record';
import { fingerprint, toOpenSsh, toPublicKey } from '../keys/openssh';
import { checkpointSignatureValid } from './checkpointSig';
import { genesisHash } from './eventsMeta';
import type { LogFs } from './logFs';
import { LogReader, type LogLine } from './LogReader';

export interface VerifyProblem {
  /** The record the problem is at; -1 when it is before any record (meta.json). */
  seq: number;
  /** The file: a segment name, checkpoints.jsonl or meta.json. */
  segment: string;
  /** 1-based line in that file; 0 for a whole-file problem. */
  line: number;
  code: ErrorCode;
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  attempt?: string;
  records: number;
  segments: number;
  checkpoints: number;
  /** The last record's seq; -1 for an empty log. */
  lastSeq: number;
  lastCheckpointSeq: number;
  /**
   * Records after the last checkpoint. Cutting these off (with the tail of the log) cannot be told from a log that
   * simply ended: truncation after the last checkpoint is only bounded by the checkpoint interval (5 s by default).
   * The bundle's seal, which names the last seq and head, closes that gap for a sealed attempt.
   */
  unsealedRecords: number;
  /** Fingerprint of the key the checkpoints were checked against. */
  key?: string;
  /**
   * 'given': checked against a key the caller trusts. 'meta': against the key the log names itself, which proves
   * the log is consistent, not who wrote it (anyone can rewrite a log and sign it with a new key).
   */
  keySource: 'given' | 'meta';
  /** A crash's half-written last line, not counted as a problem. */
  tornTail?: { segment: string; bytes: number };
  tornCheckpointBytes?: number;
  firstBad?: VerifyProblem;
}

export interface VerifyOptions {
  /** The key the checkpoints must be signed by (OpenSSH line, PEM, or KeyObject); meta.json's key when absent. */
  publicKey?: string | KeyObject;
  fs?: LogFs;
}

/**
 * Checks an attempt's trajectory: every line parses, seqs run 0, 1, 2, … without gaps across segments, each prev is
 * the SHA-256 of the line before (seq 0's is the genesis hash of meta.json), every checkpoint is signed by the key
 * and names the hash and t of the record at its seq, and no checkpoint lies beyond the last record (truncation).
 * Names the first problem by seq. A log torn only at its tail (a crash) verifies, with the tear reported.
 */
export async function verifyLog(attemptDir: string, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const reader = new LogReader(attemptDir, opts.fs);
  const result: VerifyResult = { ok: false, records: 0, segments: 0, checkpoints: 0, lastSeq: -1, lastCheckpointSeq: -1, unsealedRecords: 0, keySource: opts.publicKey ? 'given' : 'meta' };
  let meta: EventsMeta;
  let key: KeyObject;
  try {
    meta = await reader.meta();
    key = toPublicKey(opts.publicKey ?? meta.publicKey);
  } catch (e) {
    result.firstBad = { seq: -1, segment: 'meta.json', line: 0, code: isRedeskError(e) ? e.code : 'LOG_CORRUPT', message: (e as Error).message };
    return result;
  }
  result.attempt = meta.attempt;
  result.key = fingerprint(key);
  const problems: VerifyProblem[] = [];
  if (opts.publicKey && toOpenSsh(key) !== meta.publicKey) {
    problems.push({ seq: -1, segment: 'meta.json', line: 0, code: 'LOG_CHECKPOINT_INVALID', message: `The log names key ${meta.publicKey}, not the key given (${result.key}).` });
  }

  // Checkpoints first, by seq, so each is checked when the record it names streams past.
  const cpFile = await reader.checkpoints();
  result.checkpoints = cpFile.lines.length;
  if (cpFile.torn) result.tornCheckpointBytes = cpFile.torn.bytes;
  const bySeq = new Map<number, { cp: Checkpoint; line: number }>();
  let lastCpSeq = -1;
  let lastCpLine = 0;
  for (const l of cpFile.lines) {
    const at = (seq: number, message: string) => problems.push({ seq, segment: 'checkpoints.jsonl', line: l.line, code: 'LOG_CHECKPOINT_INVALID', message });
    const cp = l.checkpoint;
    if (!cp) {
      at(l.seqHint ?? lastCpSeq + 1, `checkpoints.jsonl line ${l.line} is malformed: ${l.error}`);
      continue;
    }
    if (cp.seq <= lastCpSeq) at(cp.seq, `checkpoint for seq ${cp.seq} comes after one for seq ${lastCpSeq}: checkpoints were reordered or copied`);
    else if (!checkpointSignatureValid(cp, meta.attempt, key)) at(cp.seq, `the checkpoint for seq ${cp.seq} has a signature that does not verify with key ${result.key}`);
    else bySeq.set(cp.seq, { cp, line: l.line });
    if (cp.seq > lastCpSeq) [lastCpSeq, lastCpLine] = [cp.seq, l.line];
  }
  result.lastCheckpointSeq = lastCpSeq;

  let expected = 0;
  let prevHash = genesisHash(meta);
  let prevLine: LogLine | undefined;
  let recordProblem: VerifyProblem | undefined;
  // A prev that does not match means record k-1 or record k changed; the record after k tells which.
  let suspect: { before?: LogLine; at: LogLine } | undefined;
  const segments = await reader.segments();
  result.segments = segments.length;
  for await (const l of reader.lines(segments)) {
    result.records++;
    if (recordProblem) continue;
    const at = (seq: number, code: ErrorCode, message: string, where: LogLine = l) =>
      (recordProblem = { seq, segment: where.segment.name, line: where.line, code, message });
    const r = l.record;
    if (suspect) {
      if (r && r.prev !== prevHash) at(suspect.at.record!.seq, 'LOG_CHAIN_BROKEN', editedMessage(suspect.at.record!.seq, 'its prev and its own hash are both off'), suspect.at);
      else blame(suspect, at);
      continue;
    }
    if (!r) {
      at(expected, 'LOG_CORRUPT', `${l.segment.name} line ${l.line} (where seq ${expected} belongs) is not a valid record: ${l.error}`);
      continue;
    }
    if (r.seq !== expected) {
      at(
        expected,
        'LOG_CHAIN_BROKEN',
        r.seq > expected
          ? `seq ${expected}${r.seq - 1 > expected ? `..${r.seq - 1}` : ''} is missing: ${l.segment.name} line ${l.line} holds seq ${r.seq}`
          : `seq ${r.seq} is out of order: ${l.segment.name} line ${l.line} holds it where seq ${expected} belongs`,
      );
      continue;
    }
    if (r.prev !== prevHash) suspect = { before: prevLine, at: l };
    const c = bySeq.get(r.seq);
    if (!suspect && c && (c.cp.head !== l.hash || c.cp.t !== r.t)) {
      problems.push({ seq: r.seq, segment: 'checkpoints.jsonl', line: c.line, code: 'LOG_CHECKPOINT_INVALID', message: `the checkpoint for seq ${r.seq} does not match record ${r.seq} (${l.segment.name} line ${l.line})` });
    }
    expected = r.seq + 1;
    prevHash = l.hash;
    prevLine = l;
  }
  if (suspect && !recordProblem) blame(suspect, (seq, code, message, where) => (recordProblem = { seq, segment: where!.segment.name, line: where!.line, code, message }));
  if (recordProblem) problems.push(recordProblem);
  result.lastSeq = expected - 1;
  if (reader.tornTail) result.tornTail = { segment: reader.tornTail.segment, bytes: reader.tornTail.bytes };
  if (!recordProblem && lastCpSeq > result.lastSeq) {
    problems.push({
      seq: result.lastSeq + 1,
      segment: 'checkpoints.jsonl',
      line: lastCpLine,
      code: 'LOG_TRUNCATED',
      message: `the log was cut short: a checkpoint covers seq ${lastCpSeq}, but the last record is seq ${result.lastSeq}`,
    });
  }
  result.unsealedRecords = result.lastSeq - Math.min(lastCpSeq, result.lastSeq);
  // The first problem along the log; at equal seq, the record's own problem before its checkpoint's.
  problems.sort((a, b) => a.seq - b.seq || rank(a) - rank(b));
  result.firstBad = problems[0];
  result.ok = problems.length === 0;
  return result;
}

/** The result as lines for a terminal: a verdict, the counts, and the first problem. */
export function formatVerifyResult(r: VerifyResult): string {
  const out: string[] = [];
  out.push(r.ok ? `ok: ${r.records} records (seq 0..${r.lastSeq}) in ${r.segments} segment(s), ${r.checkpoints} checkpoint(s)` : `FAILED: ${r.firstBad?.code}`);
  if (r.firstBad) out.push(`  first bad: seq ${r.firstBad.seq} at ${r.firstBad.segment}${r.firstBad.line ? `:${r.firstBad.line}` : ''}: ${r.firstBad.message}`);
  if (r.attempt) out.push(`  attempt: ${r.attempt}`);
  if (r.key) out.push(`  key: ${r.key} (${r.keySource === 'given' ? 'the key given' : "the log's own key: proves consistency, not authorship"})`);
  if (r.ok) out.push(`  last checkpoint: seq ${r.lastCheckpointSeq}; ${r.unsealedRecords} record(s) after it are not covered by a signature`);
  if (r.tornTail) out.push(`  torn tail: ${r.tornTail.bytes} byte(s) of a half-written last line in ${r.tornTail.segment} (a crash; dropped on reopen)`);
  if (r.tornCheckpointBytes) out.push(`  torn checkpoint line: ${r.tornCheckpointBytes} byte(s)`);
  return out.join('\n');
}

type At = (seq: number, code: ErrorCode, message: string, where?: LogLine) => void;

/** Only record k's prev is off, and the chain holds after it: record k-1's bytes changed. */
function blame(suspect: { before?: LogLine; at: LogLine }, at: At): void {
  const k = suspect.at.record!.seq;
  if (!suspect.before) at(0, 'LOG_CHAIN_BROKEN', "record 0's prev is not the genesis hash of meta.json: record 0 or meta.json was changed", suspect.at);
  else at(k - 1, 'LOG_CHAIN_BROKEN', editedMessage(k - 1, `its bytes no longer hash to record ${k}'s prev`), suspect.before);
}

function editedMessage(seq: number, why: string): string {
  return `record ${seq} was changed: ${why}`;
}

function rank(p: VerifyProblem): number {
  return p.segment.startsWith('events-') ? 0 : 1;
}
