/**
 * Geometry and wording of the replay's timeline: attempt time to a fraction of the scrubber and back, tick marks,
 * the score chart's vertical scale, and how each kind of marker looks. No DOM, so it is tested on its own.
 */
import type { ReplayInfo } from '../../../main/common/api';

export type Marker = ReplayInfo['markers'][number];

/** The scrubber spans the whole attempt; an empty log still gets a second so nothing divides by zero. */
export function spanOf(durationMs: number): number {
  return Math.max(1_000, durationMs);
}

export function fractionOf(t: number, durationMs: number): number {
  return Math.min(1, Math.max(0, t / spanOf(durationMs)));
}

export function timeAt(fraction: number, durationMs: number): number {
  return Math.round(Math.min(1, Math.max(0, fraction)) * spanOf(durationMs));
}

/** `H:MM:SS` (or `M:SS` under an hour): attempt time, never negative. */
export function formatTime(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** About six evenly spaced labels at round times (1, 2, 5, 10, 15, 30 min, or hours). */
export function axisTicks(durationMs: number): number[] {
  const span = spanOf(durationMs);
  const steps = [10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000];
  const step = steps.find((s) => span / s <= 8) ?? 7_200_000;
  const out: number[] = [];
  for (let t = 0; t <= span; t += step) out.push(t);
  return out;
}

/** Spans (focus lost, idle, paused) are drawn as bars; everything else as a tick. */
export function isSpan(m: Marker): boolean {
  return m.endT !== undefined && (m.kind === 'focus-lost' || m.kind === 'idle' || m.kind === 'pause');
}

/** One colour per kind; unknown kinds (a newer host) are grey. */
export const MARKER_COLORS: Record<string, string> = {
  score: '#4fbf7a',
  'score-failed': '#e5534b',
  pause: '#d9a13b',
  paste: '#b07cf0',
  'focus-lost': '#e08a3c',
  idle: '#6b7384',
  note: '#5b9cf5',
  agent: '#7c8cf8',
  recovered: '#e5534b',
  start: '#8b93a3',
  submit: '#d8dee9',
};

export function markerColor(kind: string): string {
  return MARKER_COLORS[kind] ?? '#8b93a3';
}

export interface ScoreScale {
  /** 'normalized' when the attempt has a baseline, else raw scores. */
  mode: 'normalized' | 'raw';
  /** The value of a point, or null when it failed. */
  value(p: ReplayInfo['scores'][number]): number | null;
  /** Height fraction (0 bottom, 1 top) of a value. */
  y(v: number): number;
}

/** Normalized scores when there are any (0 start, 1 reference, headroom above), raw scores otherwise. */
export function scoreScale(scores: ReplayInfo['scores']): ScoreScale {
  const normalized = scores.some((p) => p.normalized !== null);
  const value = (p: ReplayInfo['scores'][number]) => (normalized ? p.normalized : p.score);
  const values = scores.map(value).filter((v): v is number => v !== null && Number.isFinite(v));
  let lo = normalized ? 0 : Math.min(...values);
  let hi = normalized ? Math.max(1.2, ...values.map((v) => v * 1.1)) : Math.max(...values);
  if (!values.length) [lo, hi] = [0, 1];
  if (hi - lo < 1e-9) [lo, hi] = [lo - 0.5, hi + 0.5];
  return { mode: normalized ? 'normalized' : 'raw', value, y: (v) => Math.min(1, Math.max(0, (v - lo) / (hi - lo))) };
}
