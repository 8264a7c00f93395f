/** The sweep matrix as CSV: one row per sender, one column per receiver, the labels in the first row and column. */
import type { SweepResult } from '../../../main/common/patching/types';

export type SweepField = 'effects' | 'cells';

/** RFC 4180 quoting; an empty cell for a null (a receiver that is not downstream of the sender). */
function csvCell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * `effects` (share of the total effect, what the heatmap shows) or `cells` (the metric itself). The corner cell says
 * which, and what the rows and columns are, so the file reads on its own.
 */
export function sweepCsv(result: SweepResult, field: SweepField = 'effects'): string {
  const matrix = field === 'effects' ? result.effects : result.cells;
  const corner = `${field === 'effects' ? 'effect' : result.metric} (sender \\ receiver)`;
  const lines = [[corner, ...result.receivers].map(csvCell).join(',')];
  result.senders.forEach((sender, s) => {
    lines.push([sender, ...result.receivers.map((_, r) => matrix[s]?.[r] ?? null)].map(csvCell).join(','));
  });
  return lines.join('\r\n') + '\r\n';
}
