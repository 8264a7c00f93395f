import type { KeyObject } from 'node:crypto';
import { RedeskError } from '../../common/errors';
import type { ReviewKind } from '../../common/review';
import { fingerprint } from '../keys/openssh';
import { sameKey, signSshsig, verifySshsig } from '../ssh/sshsig';

/** SSHSIG namespace of review records: a signature made for a bundle or ticket cannot pass as a review. */
export const REVIEW_NAMESPACE = 'redesk-review';
/** A review record names one bundle (its manifest's sha256), or every bundle of the folder for a reveal. */
export const ALL_BUNDLES = '*';

export type { ReviewKind };
const KINDS: readonly ReviewKind[] = ['score', 'invalidate', 'reveal', 'restore'];

export interface Judge {
  name: string;
  /** SHA256 fingerprint of the judge's organizer key. */
  fingerprint: string;
}

/** One line of review.jsonl, signed by the judge's organizer key. */
export interface ReviewRecord {
  /** Wall time, ISO 8601. */
  t: string;
  judge: Judge;
  /** sha256 of the bundle's manifest.json, or ALL_BUNDLES. */
  bundle: string;
  kind: ReviewKind;
  value?: number;
  reason?: string;
  /** SSHSIG (armored) over signedText(record). */
  sig: string;
}

export type UnsignedReview = Omit<ReviewRecord, 'sig'>;

/** The bytes a record's signature covers: its fields in a fixed order, so a reader rebuilds them exactly. */
export function signedText(r: UnsignedReview): string {
  return JSON.stringify({
    t: r.t,
    judge: { name: r.judge.name, fingerprint: r.judge.fingerprint },
    bundle: r.bundle,
    kind: r.kind,
    ...(r.value !== undefined ? { value: r.value } : {}),
    ...(r.reason !== undefined ? { reason: r.reason } : {}),
  });
}

export function signReview(r: UnsignedReview, key: { privateKey: KeyObject; publicKey: KeyObject }): ReviewRecord {
  if (fingerprint(key.publicKey) !== r.judge.fingerprint) throw new RedeskError('BAD_REQUEST', `The judge's fingerprint ${r.judge.fingerprint} is not the signing key's.`);
  return { ...JSON.parse(signedText(r)), sig: signSshsig(signedText(r), key.privateKey, REVIEW_NAMESPACE) } as ReviewRecord;
}

/**
 * Parses and checks one line: its shape, its signature (namespace redesk-review) by the key the judge's
 * fingerprint names, and, when `judges` is given, that the key is one of them. Throws REVIEW_MALFORMED or
 * REVIEW_SIGNATURE_INVALID.
 */
export function parseReviewLine(line: string, judges?: readonly KeyObject[]): ReviewRecord {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(line) as Record<string, unknown>;
  } catch (e) {
    throw new RedeskError('REVIEW_MALFORMED', `not JSON: ${(e as Error).message}`);
  }
  const r = checkShape(raw);
  let key: KeyObject;
  try {
    key = verifySshsig(signedText(r), r.sig, REVIEW_NAMESPACE).publicKey;
  } catch (e) {
    throw new RedeskError('REVIEW_SIGNATURE_INVALID', `the signature does not verify: ${(e as Error).message}`, { hint: 'The line was changed after the judge signed it.' });
  }
  if (fingerprint(key) !== r.judge.fingerprint) throw new RedeskError('REVIEW_SIGNATURE_INVALID', `signed by ${fingerprint(key)}, not by the judge's key ${r.judge.fingerprint}`);
  if (judges && !judges.some((k) => sameKey(k, key))) throw new RedeskError('REVIEW_SIGNATURE_INVALID', `signed by ${fingerprint(key)}, which is not a trusted organizer key`);
  return r;
}

function checkShape(raw: Record<string, unknown>): ReviewRecord {
  const bad = (what: string) => new RedeskError('REVIEW_MALFORMED', what);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad('a record must be a JSON object');
  const extra = Object.keys(raw).filter((k) => !['t', 'judge', 'bundle', 'kind', 'value', 'reason', 'sig'].includes(k));
  if (extra.length) throw bad(`unknown field(s) ${extra.join(', ')}`);
  const judge = raw.judge as Record<string, unknown> | undefined;
  if (typeof raw.t !== 'string' || Number.isNaN(Date.parse(raw.t))) throw bad('t must be an ISO time');
  if (!judge || typeof judge.name !== 'string' || typeof judge.fingerprint !== 'string' || Object.keys(judge).length !== 2) throw bad('judge must be {name, fingerprint}');
  if (typeof raw.bundle !== 'string' || !(raw.bundle === ALL_BUNDLES || /^[0-9a-f]{64}$/.test(raw.bundle))) throw bad('bundle must be a manifest sha256 or "*"');
  if (!KINDS.includes(raw.kind as ReviewKind)) throw bad(`kind must be one of ${KINDS.join(', ')}`);
  if (raw.value !== undefined && (typeof raw.value !== 'number' || !Number.isFinite(raw.value))) throw bad('value must be a finite number');
  if (raw.reason !== undefined && typeof raw.reason !== 'string') throw bad('reason must be text');
  if (raw.kind === 'score' && raw.value === undefined) throw bad('a score record needs a value');
  if (raw.kind === 'invalidate' && !raw.reason) throw bad('an invalidation needs a reason');
  if (typeof raw.sig !== 'string') throw bad('sig is missing');
  return raw as unknown as ReviewRecord;
}
