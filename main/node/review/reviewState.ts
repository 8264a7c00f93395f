import type { BundleReview, ManualScore, ReviewListing } from '../../common/review';
import { ALL_BUNDLES, type ReviewRecord } from './reviewRecord';

export interface ReviewState {
  bundles: Map<string, BundleReview>;
  /** Who revealed identities, and when; empty while the review is blind. */
  reveals: ReviewListing['reveals'];
}

/** Folds the records, in file order, into each bundle's standing. */
export function reviewState(records: readonly ReviewRecord[]): ReviewState {
  const bundles = new Map<string, BundleReview>();
  const reveals: ReviewState['reveals'] = [];
  const latest = new Map<string, Map<string, ManualScore>>();
  const of = (sha: string) => {
    let b = bundles.get(sha);
    if (!b) bundles.set(sha, (b = { scores: [], manualMean: null, invalidated: null, history: [] }));
    return b;
  };
  for (const r of records) {
    if (r.kind === 'reveal') {
      reveals.push({ judge: r.judge.name, fingerprint: r.judge.fingerprint, t: r.t });
      continue;
    }
    if (r.bundle === ALL_BUNDLES) continue;
    const b = of(r.bundle);
    if (r.kind === 'score') {
      let m = latest.get(r.bundle);
      if (!m) latest.set(r.bundle, (m = new Map()));
      m.set(r.judge.fingerprint + r.judge.name, { judge: r.judge.name, fingerprint: r.judge.fingerprint, value: r.value!, t: r.t, ...(r.reason ? { reason: r.reason } : {}) });
    } else if (r.kind === 'invalidate') {
      b.invalidated = { judge: r.judge.name, fingerprint: r.judge.fingerprint, reason: r.reason!, t: r.t };
      b.history.push({ kind: 'invalidate', judge: r.judge.name, reason: r.reason!, t: r.t });
    } else {
      b.invalidated = null;
      b.history.push({ kind: 'restore', judge: r.judge.name, ...(r.reason ? { reason: r.reason } : {}), t: r.t });
    }
  }
  for (const [sha, m] of latest) {
    const b = of(sha);
    b.scores = [...m.values()].sort((x, y) => x.judge.localeCompare(y.judge));
    b.manualMean = b.scores.reduce((s, x) => s + x.value, 0) / b.scores.length;
  }
  return { bundles, reveals };
}
