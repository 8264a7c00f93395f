import type { ScoreSpec } from './envSchema';

/** One valid-or-not score, in the order they were made. */
export interface ScoredPoint {
  score: number | null;
}

/**
 * Normalized score as in RE-Bench: (s - start) / (reference - start), clipped below at 0.
 * Works for either direction because the sign of (reference - start) carries it.
 */
export function normalizeScore(score: number | null, start: number | undefined, reference: number | undefined): number | null {
  if (score === null || !Number.isFinite(score)) return null;
  if (start === undefined || reference === undefined || reference === start) return null;
  const n = (score - start) / (reference - start);
  return Math.max(0, n);
}

/** Final score: best valid (min or max) or last valid, as the environment says; null when none is valid. */
export function finalScore(points: readonly ScoredPoint[], spec: Pick<ScoreSpec, 'direction' | 'aggregate'>): number | null {
  const valid = points.map((p) => p.score).filter((s): s is number => s !== null && Number.isFinite(s));
  if (valid.length === 0) return null;
  if (spec.aggregate === 'last') return valid[valid.length - 1]!;
  return spec.direction === 'min' ? Math.min(...valid) : Math.max(...valid);
}

/** Whether a is better than b under the direction. */
export function isBetter(a: number, b: number, direction: 'min' | 'max'): boolean {
  return direction === 'min' ? a < b : a > b;
}
