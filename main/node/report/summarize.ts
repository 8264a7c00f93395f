import { scoreAt, timeGrid, type RunScores } from './scoreCurve';
import { bootstrap, mean, powersOfTwoUpTo, quantileSorted, ScoreAtK, type Interval } from './stats';
import { GROUPS, type Group, type ReportDuplicate, type ReportFailure, type RunRecord } from './runs';

export const REPORT_FORMAT = 'redesk-report/1';

export interface SummarizeOptions {
  /** Seeds the bootstrap, so the same bundles give the same report. */
  seed?: number;
  resamples?: number;
  /** Run lengths for score@k over time budgets, as fractions of each attempt's time limit. */
  runFractions?: number[];
  /** Points on each score-over-time curve (plus one at 0). */
  curvePoints?: number;
  now?: Date;
}

export const DEFAULTS = { seed: 20241125, resamples: 1000, runFractions: [0.25, 0.5, 1], curvePoints: 48 };
const PERCENTILES = [0.1, 0.25, 0.5, 0.75, 0.9] as const;

export interface ValueCI {
  value: number;
  ci: Interval;
}

export interface EnvGroupStats {
  runs: number;
  /** Final normalized scores (an attempt with no valid score counts as 0, the starting score). */
  normalized: ValueCI & { percentiles: Record<string, number> };
  /** Raw final scores: best and median (raw scores of calibrated environments depend on the machine). */
  raw: { best: number | null; median: number | null };
  /** Best-of-k (mean for "last" environments) of final normalized scores, k = 1, 2, 4, … ≤ runs. */
  scoreAtK: (ValueCI & { k: number })[];
  /** Mean normalized score at each attempt time. */
  curve: { tMs: number; mean: number }[];
}

export interface EnvSummary {
  id: string;
  title: string;
  versions: string[];
  direction: 'min' | 'max';
  aggregate: 'best' | 'last';
  timeLimitMs: number;
  groups: Partial<Record<Group, EnvGroupStats>>;
}

export interface BudgetPoint extends ValueCI {
  k: number;
  /** Total time budget in attempt lengths (k × run fraction). */
  budgetLimits: number;
  /** The same in ms, when every environment in the group has the same time limit. */
  budgetMs?: number;
}

export interface GroupSummary {
  runs: number;
  environments: number;
  /** Mean over environments of the mean final normalized score, with runs resampled within environments. */
  meanNormalized: ValueCI;
  /** Score@k against the total time budget, one series per run length; averaged over environments. */
  scoreAtBudget: { runFraction: number; runMs?: number; points: BudgetPoint[] }[];
  /** Percentiles of final normalized scores over all this group's runs. */
  percentiles: Record<string, number>;
}

export interface ReportSummary {
  format: typeof REPORT_FORMAT;
  generatedAt: string;
  seed: number;
  resamples: number;
  bundles: { total: number; counted: number; failed: number; duplicates: number };
  failures: ReportFailure[];
  duplicates: ReportDuplicate[];
  environments: EnvSummary[];
  groups: Partial<Record<Group, GroupSummary>>;
  /** What review.jsonl said, when the folder has one. */
  review?: ReviewSummary;
}

export interface ReviewSummary {
  records: number;
  /** Lines that failed their signature or shape check: ignored. */
  invalidLines: { line: number; code: string; message: string }[];
  reveals: { judge: string; fingerprint: string; t: string }[];
  /** Runs a judge invalidated: not in the statistics. */
  invalidated: { file: string; attempt: string; envId: string; group: Group; judge: string; fingerprint: string; reason: string; t: string }[];
  /** Every counted or invalidated run with manual scores: each judge's latest, and their mean. */
  manualScores: { file: string; attempt: string; envId: string; group: Group; scores: { judge: string; fingerprint: string; value: number }[]; mean: number | null }[];
  /** Invalidations and restores, in order: who did what. */
  history: { file: string; attempt: string; kind: 'invalidate' | 'restore'; judge: string; reason?: string; t: string }[];
}

/** The report's numbers from the counted runs. Deterministic for a seed. */
export function summarize(runs: readonly RunRecord[], failures: ReportFailure[], duplicates: ReportDuplicate[], o: SummarizeOptions = {}): ReportSummary {
  const seed = o.seed ?? DEFAULTS.seed;
  const resamples = o.resamples ?? DEFAULTS.resamples;
  const fractions = o.runFractions ?? DEFAULTS.runFractions;
  const curvePoints = o.curvePoints ?? DEFAULTS.curvePoints;
  const envIds = [...new Set(runs.map((r) => r.envId))].sort();
  const environments = envIds.map((id) => envSummary(id, runs.filter((r) => r.envId === id), seed, resamples, curvePoints));
  const groups: ReportSummary['groups'] = {};
  for (const g of GROUPS) {
    const mine = runs.filter((r) => r.group === g);
    if (mine.length) groups[g] = groupSummary(mine, environments, g, seed, resamples, fractions);
  }
  return {
    format: REPORT_FORMAT,
    generatedAt: (o.now ?? new Date()).toISOString(),
    seed,
    resamples,
    bundles: { total: runs.length + failures.length + duplicates.reduce((n, d) => n + d.dropped.length, 0), counted: runs.length, failed: failures.length, duplicates: duplicates.reduce((n, d) => n + d.dropped.length, 0) },
    failures,
    duplicates,
    environments,
    groups,
  };
}

/** The run's normalized score at a fraction of its time limit (its final score at 1). */
export function normalizedAtFraction(r: RunRecord, f: number): number {
  return scoreAt(runScores(r), f * r.timeLimitMs);
}

export function runScores(r: RunRecord): RunScores {
  return { aggregate: r.aggregate, elapsedMs: r.elapsedMs, normalized: r.normalized, points: r.points };
}

function envSummary(id: string, runs: RunRecord[], seed: number, resamples: number, curvePoints: number): EnvSummary {
  const first = runs[0]!;
  const aggregate = majority(runs.map((r) => r.aggregate));
  const timeLimitMs = Math.max(...runs.map((r) => r.timeLimitMs));
  const groups: EnvSummary['groups'] = {};
  for (const g of GROUPS) {
    const mine = runs.filter((r) => r.group === g);
    if (!mine.length) continue;
    const values = mine.map((r) => r.normalized ?? 0);
    const ks = powersOfTwoUpTo(values.length);
    const atK = new ScoreAtK();
    const cis = bootstrap([values], (d) => [mean(d[0]!), ...atK.values(d[0]!, ks, aggregate)], { resamples, seed: mixSeed(seed, `${id}/${g}`) });
    const point = atK.values(values, ks, aggregate);
    const raws = mine.map((r) => r.final).filter((x): x is number => x !== null).sort((a, b) => a - b);
    const sorted = [...values].sort((a, b) => a - b);
    groups[g] = {
      runs: mine.length,
      normalized: { value: mean(values), ci: cis[0]!, percentiles: percentiles(sorted) },
      raw: { best: raws.length ? (first.direction === 'min' ? raws[0]! : raws[raws.length - 1]!) : null, median: raws.length ? quantileSorted(raws, 0.5) : null },
      scoreAtK: ks.map((k, i) => ({ k, value: point[i]!, ci: cis[i + 1]! })),
      curve: timeGrid(timeLimitMs, curvePoints).map((t) => ({ tMs: Math.round(t), mean: mean(mine.map((r) => scoreAt(runScores(r), t))) })),
    };
  }
  return { id, title: first.envTitle, versions: [...new Set(runs.map((r) => r.envVersion))].sort(), direction: first.direction, aggregate, timeLimitMs, groups };
}

function groupSummary(runs: RunRecord[], envs: EnvSummary[], g: Group, seed: number, resamples: number, fractions: number[]): GroupSummary {
  const present = envs.filter((e) => e.groups[g]);
  const byEnv = present.map((e) => runs.filter((r) => r.envId === e.id));
  // valuesAt[f][e][i]: run i of environment e, scored at fraction f of its time limit.
  const valuesAt = fractions.map((f) => byEnv.map((rs) => rs.map((r) => normalizedAtFraction(r, f))));
  const finals = byEnv.map((rs) => rs.map((r) => r.normalized ?? 0));
  const kMax = Math.min(...byEnv.map((rs) => rs.length));
  const ks = powersOfTwoUpTo(kMax);
  const limits = new Set(runs.map((r) => r.timeLimitMs));
  const limit = limits.size === 1 ? [...limits][0]! : undefined;
  const aggOf = present.map((e) => e.aggregate);
  // Bootstrap over run indices, so every statistic sees the same draw of runs in each environment.
  const indexGroups = byEnv.map((rs) => rs.map((_, i) => i));
  const atK = new ScoreAtK();
  /** [mean normalized, then score@k for each fraction and k], averaged over environments. */
  const statistic = (pick: (e: number) => readonly number[]) => {
    const meanNormalized = mean(byEnv.map((_, e) => mean(pick(e).map((i) => finals[e]![i]!))));
    const atBudget = fractions.flatMap((_, fi) => {
      const perEnv = byEnv.map((_, e) => atK.values(pick(e).map((i) => valuesAt[fi]![e]![i]!), ks, aggOf[e]!));
      return ks.map((_, ki) => mean(perEnv.map((v) => v[ki]!)));
    });
    return [meanNormalized, ...atBudget];
  };
  const point = statistic((e) => indexGroups[e]!);
  const cis = bootstrap(indexGroups, (d) => statistic((e) => d[e]!), { resamples, seed: mixSeed(seed, `group/${g}`) });
  let c = 1;
  const scoreAtBudget = fractions.map((f) => ({
    runFraction: f,
    ...(limit !== undefined ? { runMs: f * limit } : {}),
    points: ks.map((k) => ({
      k,
      budgetLimits: k * f,
      ...(limit !== undefined ? { budgetMs: k * f * limit } : {}),
      value: point[c]!,
      ci: cis[c++]!,
    })),
  }));
  return {
    runs: runs.length,
    environments: present.length,
    meanNormalized: { value: point[0]!, ci: cis[0]! },
    scoreAtBudget,
    percentiles: percentiles(runs.map((r) => r.normalized ?? 0).sort((a, b) => a - b)),
  };
}

function percentiles(sorted: number[]): Record<string, number> {
  return Object.fromEntries(PERCENTILES.map((p) => [`p${Math.round(p * 100)}`, quantileSorted(sorted, p)]));
}

function majority<T extends string>(xs: T[]): T {
  const counts = new Map<T, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
}

/** A per-series seed from the report's seed and a name (FNV-1a), so adding an environment moves no other series. */
function mixSeed(seed: number, name: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
