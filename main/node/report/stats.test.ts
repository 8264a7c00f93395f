import { describe, expect, it } from 'vitest';
import { scoreAt, timeGrid, type RunScores } from './scoreCurve';
import { seededRandom } from '../../common/seededRandom';
import { bestOfK, bestOfKWeights, bootstrap, mean, powersOfTwoUpTo, quantile, ScoreAtK, scoreAtK } from './stats';

/** Mean of max over every k-subset, by listing them. */
function bruteBestOfK(values: number[], k: number): number {
  let total = 0;
  let count = 0;
  const pick = (start: number, chosen: number[]) => {
    if (chosen.length === k) {
      total += Math.max(...chosen);
      count++;
      return;
    }
    for (let i = start; i < values.length; i++) pick(i + 1, [...chosen, values[i]!]);
  };
  pick(0, []);
  return total / count;
}

describe('best-of-k', () => {
  it('matches enumeration of all k-subsets, ties included', () => {
    const rand = seededRandom(7);
    for (let trial = 0; trial < 60; trial++) {
      const n = 1 + Math.floor(rand() * 9);
      const values = Array.from({ length: n }, () => Math.round(rand() * 5) / 2);
      for (let k = 1; k <= n; k++) expect(bestOfK(values, k)).toBeCloseTo(bruteBestOfK(values, k), 12);
    }
  });

  it('has the weights worked by hand', () => {
    // n=4, k=2: the i-th smallest is the max of C(i-1,1) of the 6 pairs: 0, 1, 2, 3 → /6.
    expect(bestOfKWeights(4, 2)).toEqual([0, 1 / 6, 2 / 6, 3 / 6]);
    expect(bestOfK([0.2, 0.9, 0.5, 0.1], 2)).toBeCloseTo((0.2 * 1 + 0.5 * 2 + 0.9 * 3) / 6, 15);
    expect(bestOfK([3, 1, 2], 1)).toBe(2);
    expect(bestOfK([3, 1, 2], 3)).toBe(3);
    // Large n does not overflow: weights still sum to 1.
    expect(bestOfKWeights(2000, 700).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(() => bestOfK([1], 2)).toThrow(RangeError);
  });

  it('computes several k at once, the same as one at a time', () => {
    const values = [0.3, 0.9, 0.1, 0.9, 0.5, 0.7];
    const atK = new ScoreAtK();
    expect(atK.values(values, [1, 2, 4, 6], 'best')).toEqual([1, 2, 4, 6].map((k) => expect.closeTo(bestOfK(values, k), 12)));
    expect(atK.values(values, [1, 4], 'last')).toEqual([mean(values), mean(values)]);
  });

  it('uses the mean for environments scored by their last value', () => {
    expect(scoreAtK([0.2, 0.9, 0.4], 2, 'last')).toBeCloseTo(0.5, 15);
    expect(scoreAtK([0.2, 0.9, 0.4], 2, 'best')).toBeCloseTo((0.4 + 2 * 0.9) / 3, 15);
  });

  it('lists powers of two', () => {
    expect(powersOfTwoUpTo(9)).toEqual([1, 2, 4, 8]);
    expect(powersOfTwoUpTo(0)).toEqual([]);
  });
});

describe('quantiles and bootstrap', () => {
  it('interpolates quantiles like numpy', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 0, 5], 0.25)).toBe(2.5);
    expect(quantile([4], 0.9)).toBe(4);
  });

  it('is deterministic for a seed, and different for another', () => {
    const groups = [[0.1, 0.5, 0.9, 0.3, 0.77, 0.42, 0.05, 0.61], [1.2, 0.8, 1.0, 0.93, 1.4, 0.66]];
    const stat = (d: number[][]) => mean(d.map((g) => bestOfK(g, 2)));
    const a = bootstrap(groups, (d) => [stat(d)], { resamples: 1000, seed: 1 });
    expect(bootstrap(groups, (d) => [stat(d)], { resamples: 1000, seed: 1 })).toEqual(a);
    expect(bootstrap(groups, (d) => [stat(d)], { resamples: 1000, seed: 2 })).not.toEqual(a);
    expect(a[0]!.lo).toBeLessThan(stat(groups));
    expect(a[0]!.hi).toBeGreaterThan(stat(groups));
  });

  it('gives the intervals worked by hand', () => {
    // Constant runs: every resample is the same, so the interval is a point.
    const [point] = bootstrap([[0.7, 0.7, 0.7]], (d) => [mean(d[0]!)], { resamples: 200, seed: 3 });
    expect(point!.lo).toBeCloseTo(0.7, 12);
    expect(point!.hi).toBeCloseTo(0.7, 12);
    // Two runs, 0 and 1: a resample's mean is 0, 0.5 or 1 with chances 1/4, 1/2, 1/4; the 2.5% and 97.5% points
    // of that distribution are 0 and 1.
    const [ci] = bootstrap([[0, 1]], (d) => [mean(d[0]!)], { resamples: 1000, seed: 4 });
    expect(ci).toEqual({ lo: 0, hi: 1 });
    // Runs are resampled within their own group: a group of ones never contributes anything but 1.
    const [both] = bootstrap([[0, 1], [1, 1]], (d) => [mean(d[1]!)], { resamples: 100, seed: 5 });
    expect(both).toEqual({ lo: 1, hi: 1 });
  });
});

describe('score over time', () => {
  const run: RunScores = {
    aggregate: 'best',
    elapsedMs: 100,
    normalized: 0.8,
    points: [
      { elapsedMs: 10, score: 9, normalized: 0.1 },
      { elapsedMs: 30, score: null, normalized: null },
      { elapsedMs: 50, score: 5, normalized: 0.6 },
      { elapsedMs: 70, score: 7, normalized: 0.3 },
    ],
  };

  it('steps at each valid score: best so far, or last', () => {
    expect([0, 9, 10, 30, 49, 50, 70, 99, 100, 500].map((t) => scoreAt(run, t))).toEqual([0, 0, 0.1, 0.1, 0.1, 0.6, 0.6, 0.6, 0.8, 0.8]);
    const last = { ...run, aggregate: 'last' as const };
    expect([10, 50, 70].map((t) => scoreAt(last, t))).toEqual([0.1, 0.6, 0.3]);
    expect(scoreAt({ ...run, normalized: null }, 100)).toBe(0);
  });

  it('spaces its grid evenly', () => {
    expect(timeGrid(100, 4)).toEqual([0, 25, 50, 75, 100]);
  });
});
