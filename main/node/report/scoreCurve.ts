import type { ScorePoint } from '../../common/bundle/scoreLog';

/** What the curves need from one attempt. */
export interface RunScores {
  aggregate: 'best' | 'last';
  /** Attempt time used; after it the run's sealed final score holds. */
  elapsedMs: number;
  /** The sealed final normalized score (null when no score was valid). */
  normalized: number | null;
  points: readonly ScorePoint[];
}

/**
 * The run's normalized score at attempt time t: a step function that changes only when a score comes in (the
 * best, or the last, valid normalized score requested at or before t). Before any valid score it is 0 (the
 * starting score); from the run's end on it is the sealed final score, or 0 when there was none.
 */
export function scoreAt(run: RunScores, t: number): number {
  if (t >= run.elapsedMs) return run.normalized ?? 0;
  let v: number | undefined;
  for (const p of run.points) {
    if (p.elapsedMs > t) continue;
    if (p.normalized === null) continue;
    v = run.aggregate === 'last' || v === undefined ? p.normalized : Math.max(v, p.normalized);
  }
  return v ?? 0;
}

/** `n + 1` evenly spaced times from 0 to `end`. */
export function timeGrid(end: number, n: number): number[] {
  return Array.from({ length: n + 1 }, (_, i) => (end * i) / n);
}
