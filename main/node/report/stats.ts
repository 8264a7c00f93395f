/**
 * The report's maths, pure functions on numbers: best-of-k over all k-subsets, quantiles and the bootstrap (with the
 * shared seeded generator). No I/O, so they are checked against enumeration and hand-worked cases in stats.test.ts.
 */
import { seededRandom } from '../../common/seededRandom';

/**
 * Weights w_i such that Σ w_i · x_(i) (x sorted ascending, 1-based i) is the mean of max over all C(n, k) subsets
 * of size k: the i-th smallest is the maximum of exactly C(i-1, k-1) of them, so w_i = C(i-1, k-1) / C(n, k).
 * Computed downward from w_n = k/n by w_{i-1} = w_i · (i-k)/(i-1), which never forms a large binomial.
 */
export function bestOfKWeights(n: number, k: number): number[] {
  if (!Number.isInteger(n) || !Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`best-of-k needs 1 ≤ k ≤ n (k=${k}, n=${n})`);
  const w = new Array<number>(n).fill(0);
  w[n - 1] = k / n;
  for (let i = n; i > k; i--) w[i - 2] = w[i - 1]! * ((i - k) / (i - 1));
  return w;
}

/** The unbiased estimate of E[max of k runs] from n runs: the mean of the maximum over every k-subset. */
export function bestOfK(values: readonly number[], k: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const w = bestOfKWeights(sorted.length, k);
  let s = 0;
  for (let i = 0; i < sorted.length; i++) s += w[i]! * sorted[i]!;
  return s;
}

/**
 * Score@k as the environment aggregates: best-of-k for "best" environments; for "last" ones (the expert cannot
 * pick by a score they do not see) the last of k runs in random order, whose expectation is the mean for every k.
 */
export function scoreAtK(values: readonly number[], k: number, aggregate: 'best' | 'last'): number {
  if (aggregate === 'last') {
    if (k < 1 || k > values.length) throw new RangeError(`score@k needs 1 ≤ k ≤ n (k=${k}, n=${values.length})`);
    return mean(values);
  }
  return bestOfK(values, k);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Quantile p of ascending-sorted values, linear between order statistics (R type 7, numpy's default). */
export function quantileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function quantile(values: readonly number[], p: number): number {
  return quantileSorted([...values].sort((a, b) => a - b), p);
}


export interface Interval {
  lo: number;
  hi: number;
}

export interface BootstrapOptions {
  resamples: number;
  seed: number;
  /** Central coverage, 0.95 by default. */
  level?: number;
}

/**
 * Percentile bootstrap for statistics of several groups of runs (one group per environment): each resample draws
 * every group's runs with replacement, within that group, and computes the statistics (a vector, so they share
 * one draw and one sort) on it. Returns one interval per statistic; NaN values of a draw are left out.
 */
export function bootstrap(groups: readonly (readonly number[])[], statistic: (draw: number[][]) => number[], o: BootstrapOptions): Interval[] {
  const rand = seededRandom(o.seed);
  const level = o.level ?? 0.95;
  const samples: number[][] = [];
  const draw = groups.map((g) => new Array<number>(g.length));
  for (let r = 0; r < o.resamples; r++) {
    groups.forEach((g, gi) => {
      const d = draw[gi]!;
      for (let i = 0; i < g.length; i++) d[i] = g[Math.floor(rand() * g.length)]!;
    });
    statistic(draw).forEach((v, si) => {
      if (!Number.isNaN(v)) (samples[si] ??= []).push(v);
    });
  }
  return samples.map((s) => {
    s.sort((a, b) => a - b);
    return { lo: quantileSorted(s, (1 - level) / 2), hi: quantileSorted(s, 1 - (1 - level) / 2) };
  });
}

/**
 * Score@k for several k at once, sorting once; best-of-k weights are kept per (n, k), since a bootstrap asks for
 * the same ones a thousand times.
 */
export class ScoreAtK {
  private readonly weights = new Map<number, number[]>();

  values(values: readonly number[], ks: readonly number[], aggregate: 'best' | 'last'): number[] {
    if (aggregate === 'last') return ks.map((k) => scoreAtK(values, k, 'last'));
    const sorted = Float64Array.from(values).sort();
    return ks.map((k) => {
      const key = sorted.length * 1_000_003 + k;
      let w = this.weights.get(key);
      if (!w) this.weights.set(key, (w = bestOfKWeights(sorted.length, k)));
      let s = 0;
      for (let i = k - 1; i < sorted.length; i++) s += w[i]! * sorted[i]!;
      return s;
    });
  }
}

/** 1, 2, 4, 8, … up to n. */
export function powersOfTwoUpTo(n: number): number[] {
  const out: number[] = [];
  for (let k = 1; k <= n; k *= 2) out.push(k);
  return out;
}
