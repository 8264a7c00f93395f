import type { KeyObject } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toErrorData } from '../../common/errors';
import type { ReviewLine } from '../../common/review';
import { fingerprint } from '../keys/openssh';
import { parseReviewLine, signReview, type ReviewKind, type ReviewRecord } from './reviewRecord';

export const REVIEW_FILE = 'review.jsonl';

export interface ReviewLogRead {
  /** The records whose signatures check, in file order. */
  records: ReviewRecord[];
  /** Lines that did not parse or verify: left out of every decision, and reported. */
  invalid: ReviewLine[];
  exists: boolean;
}

export interface AppendReview {
  judge: { name: string; key: { privateKey: KeyObject; publicKey: KeyObject } };
  bundle: string;
  kind: ReviewKind;
  value?: number;
  reason?: string;
  now?: Date;
}

/**
 * Appends one signed record to `<dir>/review.jsonl`. The file is only ever appended to (O_APPEND, one write per
 * line): an invalidation is undone by a later `restore`, never by removing it.
 */
export async function appendReview(dir: string, a: AppendReview): Promise<ReviewRecord> {
  const r = signReview(
    {
      t: (a.now ?? new Date()).toISOString(),
      judge: { name: a.judge.name, fingerprint: fingerprint(a.judge.key.publicKey) },
      bundle: a.bundle,
      kind: a.kind,
      ...(a.value !== undefined ? { value: a.value } : {}),
      ...(a.reason !== undefined ? { reason: a.reason } : {}),
    },
    a.judge.key,
  );
  await appendFile(join(dir, REVIEW_FILE), `${JSON.stringify(r)}\n`, { mode: 0o644 });
  return r;
}

/** Reads and verifies every line; `judges` (organizer public keys) restricts who may sign. */
export async function readReviews(dir: string, judges?: readonly KeyObject[]): Promise<ReviewLogRead> {
  let text: string;
  try {
    text = await readFile(join(dir, REVIEW_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], invalid: [], exists: false };
    throw e;
  }
  const records: ReviewRecord[] = [];
  const invalid: ReviewLine[] = [];
  text.split('\n').forEach((l, i) => {
    if (l.trim() === '') return;
    try {
      records.push(parseReviewLine(l, judges));
    } catch (e) {
      const d = toErrorData(e);
      invalid.push({ line: i + 1, code: d.code, message: d.message });
    }
  });
  return { records, invalid, exists: true };
}
