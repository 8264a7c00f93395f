import type { Manifest } from './manifest';

/** What the bundle's readers need from a scores.jsonl row. */
export interface ScorePoint {
  elapsedMs: number;
  score: number | null;
  normalized: number | null;
}

export type ScoreLogSummary = Manifest['score']['log'];

/**
 * The rows of a scores.jsonl text: complete lines that are objects with a numeric elapsedMs and a numeric or
 * null score. A torn last line (no newline) and damaged lines are left out, as the attempt's own reader does.
 */
export function parseScoreLog(text: string): ScorePoint[] {
  const lines = text.split('\n');
  lines.pop();
  const out: ScorePoint[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    let r: { elapsedMs?: unknown; score?: unknown; normalized?: unknown };
    try {
      r = JSON.parse(line) as typeof r;
    } catch {
      continue;
    }
    if (!r || typeof r !== 'object' || typeof r.elapsedMs !== 'number') continue;
    const score = typeof r.score === 'number' && Number.isFinite(r.score) ? r.score : r.score === null ? null : undefined;
    if (score === undefined) continue;
    const normalized = typeof r.normalized === 'number' && Number.isFinite(r.normalized) ? r.normalized : null;
    out.push({ elapsedMs: r.elapsedMs, score, normalized: score === null ? null : normalized });
  }
  return out;
}

/** Count, valid count, best (by direction) and last valid score, with the attempt times they came at. */
export function summarizeScoreLog(points: readonly ScorePoint[], direction: 'min' | 'max'): ScoreLogSummary {
  let best: ScorePoint | undefined;
  let last: ScorePoint | undefined;
  let valid = 0;
  for (const p of points) {
    if (p.score === null) continue;
    valid++;
    last = p;
    if (!best || (direction === 'min' ? p.score < best.score! : p.score > best.score!)) best = p;
  }
  return {
    count: points.length,
    valid,
    best: best?.score ?? null,
    last: last?.score ?? null,
    bestElapsedMs: best?.elapsedMs ?? null,
    lastElapsedMs: last?.elapsedMs ?? null,
  };
}
