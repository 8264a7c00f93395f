/**
 * Blind review of a folder of bundles, as the CLI (`redesk review`) and the app's Bundles view show it: each bundle
 * under a salted id with its verification and scores, the judges' manual scores and invalidations, and who made it
 * only after a recorded reveal. The records themselves live in `<folder>/review.jsonl` (main/node/review).
 */

export type ReviewKind = 'score' | 'invalidate' | 'reveal' | 'restore';

export interface ManualScore {
  judge: string;
  fingerprint: string;
  value: number;
  t: string;
  reason?: string;
}

export interface Invalidation {
  judge: string;
  fingerprint: string;
  reason: string;
  t: string;
}

/** What the records say about one bundle. */
export interface BundleReview {
  /** Each judge's latest score (earlier ones stay in the file). */
  scores: ManualScore[];
  /** Mean over judges of their latest scores; null when none scored. */
  manualMean: number | null;
  /** Set while the bundle's latest invalidate is not followed by a restore. */
  invalidated: Invalidation | null;
  /** Every invalidate and restore, in order: the history the report shows. */
  history: { kind: 'invalidate' | 'restore'; judge: string; reason?: string; t: string }[];
}

/** A review.jsonl line that failed its check: ignored, and shown. */
export interface ReviewLine {
  line: number;
  code: string;
  message: string;
}

export interface ReviewRow {
  blindId: string;
  /** The manifest's sha256 (what review records name); absent when the bundle did not get that far. */
  bundle?: string;
  ok: boolean;
  code: string | null;
  message: string;
  envId?: string;
  final: number | null;
  normalized: number | null;
  review: BundleReview;
  /** Who made it: only once a reveal is recorded and asked for. */
  identity?: { file: string; attempt: string; group: 'human' | 'agent'; agent?: string; expert: string; signer?: string };
}

export interface ReviewListing {
  dir: string;
  blind: boolean;
  reveals: { judge: string; fingerprint: string; t: string }[];
  invalidLines: ReviewLine[];
  rows: ReviewRow[];
}

/** The app's view of a review: the listing, and the judge key this host signs records with (null: none yet). */
export interface ReviewView extends ReviewListing {
  judgeKey: string | null;
  /** The allowed_signers file bundles were checked against; absent: any signer accepted, named by fingerprint. */
  allowedSigners?: string;
}

/** One thing a judge records: a manual score, an invalidation (with its reason), a restore, or the reveal. */
export interface ReviewAction {
  kind: ReviewKind;
  judge: string;
  /** Required except for reveal, which covers the whole folder. */
  blindId?: string;
  value?: number;
  reason?: string;
}
