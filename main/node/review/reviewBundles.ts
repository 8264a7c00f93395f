import { createHash, type KeyObject } from 'node:crypto';
import { resolve } from 'node:path';
import { RedeskError } from '../../common/errors';
import { verifyBundles, type BundleVerdict, type VerifyBundleOptions } from '../bundle/verifyBundle';
import { blindId, reviewSalt } from './blindId';
import type { ReviewListing, ReviewRow } from '../../common/review';
import { readReviews } from './reviewLog';
import { reviewState, type ReviewState } from './reviewState';

export interface ReviewListOptions extends Pick<VerifyBundleOptions, 'allowedSigners' | 'trustAnySigner' | 'organizerKey' | 'now' | 'tmpDir'> {
  /** Show identities; refused (REVIEW_NOT_REVEALED) until a reveal is recorded in review.jsonl. */
  reveal?: boolean;
  /** Organizer keys whose review records count; any judge's valid signature counts when absent. */
  judges?: readonly KeyObject[];
}

/**
 * The bundles of a folder as a blind reviewer sees them: verification, env and scores, manual scores and
 * invalidations, under salted ids; identities (expert, human or agent, file) only after a recorded reveal.
 */
export async function listForReview(dir: string, o: ReviewListOptions): Promise<ReviewListing> {
  const abs = resolve(dir);
  const [report, salt, log] = await Promise.all([verifyBundles(abs, o), reviewSalt(abs), readReviews(abs, o.judges)]);
  const state = reviewState(log.records);
  if (o.reveal && state.reveals.length === 0) {
    throw new RedeskError('REVIEW_NOT_REVEALED', 'Nobody has revealed this review yet; identities stay hidden.', { hint: 'Run `redesk review reveal <dir> --judge NAME` first: the reveal is recorded with your name.' });
  }
  const rows = report.bundles.map((v) => row(v, salt, state, !!o.reveal));
  numberCopies(rows, report.bundles, salt);
  if (!o.reveal) rows.sort((a, b) => a.blindId.localeCompare(b.blindId));
  return { dir: abs, blind: !o.reveal, reveals: state.reveals, invalidLines: log.invalid, rows };
}

/**
 * Files with the same manifest (a bundle copied, or a damaged copy beside the good one) would share a blind id:
 * each gets `<id>.<n>`, numbered in an order drawn from the salt (not the file names), and all stand for that
 * manifest, so a record about one is about every copy.
 */
function numberCopies(rows: ReviewRow[], verdicts: readonly BundleVerdict[], salt: string): void {
  const groups = new Map<string, number[]>();
  rows.forEach((r, i) => groups.set(r.blindId, [...(groups.get(r.blindId) ?? []), i]));
  for (const [id, idx] of groups) {
    if (idx.length < 2) continue;
    const order = idx.map((i) => ({ i, key: blindId(salt, `copy:${verdicts[i]!.file}`) })).sort((a, b) => a.key.localeCompare(b.key));
    order.forEach(({ i }, n) => (rows[i]!.blindId = `${id}.${n + 1}`));
  }
}

/** The manifest sha256 a blind id stands for, from a listing; REVIEW_UNKNOWN_BUNDLE when none has it. */
export function bundleOfBlindId(listing: ReviewListing, id: string): string {
  const r = listing.rows.find((x) => x.blindId === id);
  if (!r) throw new RedeskError('REVIEW_UNKNOWN_BUNDLE', `No bundle in ${listing.dir} has the blind id ${id}.`, { where: id, hint: 'Run `redesk review list <dir>` for the ids.' });
  if (!r.bundle) throw new RedeskError('REVIEW_UNKNOWN_BUNDLE', `${id} is a bundle whose manifest could not be read (${r.code}); it cannot be reviewed.`, { where: id });
  return r.bundle;
}

function row(v: BundleVerdict, salt: string, state: ReviewState, reveal: boolean): ReviewRow {
  const m = v.manifest;
  const sha = v.manifestSha256;
  const id = blindId(salt, sha ?? createHash('sha256').update(`file:${v.file}`).digest('hex'));
  return {
    blindId: id,
    ...(sha ? { bundle: sha } : {}),
    ok: v.ok,
    code: v.code,
    message: reveal ? v.message : blindMessage(v),
    ...(m ? { envId: m.env.id } : {}),
    final: m?.score.final ?? null,
    normalized: m?.score.normalized ?? null,
    review: (sha && state.bundles.get(sha)) || { scores: [], manualMean: null, invalidated: null, history: [] },
    ...(reveal && m
      ? {
          identity: {
            file: v.file,
            attempt: m.attempt.id,
            group: m.agent ? ('agent' as const) : ('human' as const),
            ...(m.agent ? { agent: m.agent.version ? `${m.agent.name} ${m.agent.version}` : m.agent.name } : {}),
            expert: m.expert.fingerprint,
            ...(v.signer ? { signer: v.signer } : {}),
          },
        }
      : {}),
  };
}

/** Verification messages name the file, attempt and signer; a blind reviewer sees the code and a neutral line. */
function blindMessage(v: BundleVerdict): string {
  return v.ok ? 'ok' : `${v.code}: the bundle failed verification (details hidden until reveal)`;
}
