/** How the explorer writes its numbers: metrics as scores are written elsewhere, shares as percentages. */
export { formatRaw as formatMetric } from '../lib/numbers';

/** A share of the total effect (1 = the whole effect) as a percentage with one decimal. */
export function formatShare(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return `${(x * 100).toFixed(1)}%`;
}

export function formatElapsed(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
