/**
 * Colours of the explorer's heatmaps. Effects use a diverging scale centred on 0 (blue below, red above, the
 * panel's own dark grey at 0, so the many near-zero cells recede and the strong ones stand out on the dark theme);
 * attention patterns a sequential one from dark to bright. Kept apart from the canvas so it is tested without a DOM.
 */

export type Rgb = readonly [number, number, number];

const NEGATIVE: Rgb = [70, 140, 245];
const ZERO: Rgb = [38, 42, 51];
const POSITIVE: Rgb = [240, 88, 72];
const SEQ_LOW: Rgb = [22, 24, 29];
const SEQ_MID: Rgb = [60, 120, 200];
const SEQ_HIGH: Rgb = [235, 245, 255];

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [Math.round(a[0] + (b[0] - a[0]) * t), Math.round(a[1] + (b[1] - a[1]) * t), Math.round(a[2] + (b[2] - a[2]) * t)];
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

export function rgbCss(c: Rgb): string {
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/**
 * The half-width of a symmetric domain [-m, m] that holds every finite value; 1 when there is none (or all are 0),
 * so an empty or flat matrix still gets a legend.
 */
export function symmetricDomain(matrix: readonly (readonly (number | null)[])[]): number {
  let m = 0;
  for (const row of matrix) for (const v of row) if (v !== null && Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  return m > 0 ? m : 1;
}

/**
 * Diverging colour of `value` on [-maxAbs, maxAbs]: ZERO at 0, NEGATIVE/POSITIVE at the ends, clamped beyond. A
 * square-root ramp lifts small effects enough to be seen without letting them rival the large ones.
 */
export function divergingColor(value: number, maxAbs: number): Rgb {
  if (!Number.isFinite(value) || !(maxAbs > 0)) return ZERO;
  const t = clamp(value / maxAbs, -1, 1);
  const ramp = Math.sqrt(Math.abs(t));
  return t < 0 ? mix(ZERO, NEGATIVE, ramp) : mix(ZERO, POSITIVE, ramp);
}

/** Sequential colour of a value in [0, 1] (clamped): an attention weight. */
export function sequentialColor(value: number): Rgb {
  const t = Number.isFinite(value) ? clamp(value, 0, 1) : 0;
  return t < 0.5 ? mix(SEQ_LOW, SEQ_MID, t * 2) : mix(SEQ_MID, SEQ_HIGH, (t - 0.5) * 2);
}

/** Legend ticks for the diverging scale: both ends, the midpoints and 0. */
export function legendTicks(maxAbs: number): number[] {
  return [-maxAbs, -maxAbs / 2, 0, maxAbs / 2, maxAbs];
}
