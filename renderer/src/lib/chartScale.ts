/**
 * Geometry of the score-over-time chart: normalized score against attempt time. Kept apart from the SVG so the
 * scaling is tested without a DOM.
 */
export interface ChartBox {
  width: number;
  height: number;
  padLeft: number;
  padRight: number;
  padTop: number;
  padBottom: number;
}

export interface ChartPoint {
  elapsedMs: number;
  normalized: number | null;
}

export interface ChartScale {
  xMaxMs: number;
  yMin: number;
  yMax: number;
  x(ms: number): number;
  y(n: number): number;
}

/**
 * The y range always shows 0 and 1 (start and reference) with headroom, and grows to fit better-than-reference
 * scores; the x range is the whole time limit, so the chart also shows how much time is left.
 */
export function chartScale(points: readonly ChartPoint[], timeLimitMs: number, box: ChartBox): ChartScale {
  const values = points.map((p) => p.normalized).filter((v): v is number => v !== null && Number.isFinite(v));
  const top = Math.max(1.2, ...values.map((v) => v * 1.1));
  const yMin = 0;
  const yMax = Math.ceil(top * 10) / 10;
  const xMaxMs = Math.max(1, timeLimitMs, ...points.map((p) => p.elapsedMs));
  const innerW = box.width - box.padLeft - box.padRight;
  const innerH = box.height - box.padTop - box.padBottom;
  return {
    xMaxMs,
    yMin,
    yMax,
    x: (ms) => box.padLeft + (Math.min(Math.max(ms, 0), xMaxMs) / xMaxMs) * innerW,
    y: (n) => box.padTop + (1 - (Math.min(Math.max(n, yMin), yMax) - yMin) / (yMax - yMin)) * innerH,
  };
}

/** Ticks for the time axis: whole hours when the limit is long, else quarters of it, in ms. */
export function timeTicks(xMaxMs: number): number[] {
  const hour = 3_600_000;
  const step = xMaxMs >= 2 * hour ? hour * Math.ceil(xMaxMs / hour / 8) : xMaxMs / 4;
  const ticks: number[] = [];
  for (let t = 0; t <= xMaxMs + 1; t += step) ticks.push(t);
  return ticks;
}

/** Tick label for attempt time: hours for long attempts, minutes, or m:ss when the whole range is a few minutes. */
export function tickLabel(ms: number, xMaxMs: number): string {
  if (xMaxMs >= 2 * 3_600_000) return `${Number((ms / 3_600_000).toFixed(1))}h`;
  if (xMaxMs >= 10 * 60_000) return `${Math.round(ms / 60_000)}m`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
