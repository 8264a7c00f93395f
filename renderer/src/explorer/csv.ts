/** The sweep matrix as CSV: one row per sender, one column per receiver, the labels in the first row and column. */
import type { SweepResult } from '../../../main/common/patching/types';
import { csvLines } from '../../../main/common/csv';

export type SweepField = 'effects' | 'cells';

/**
 * `effects` (share of the total effect, what the heatmap shows) or `cells` (the metric itself). The corner cell says
 * which, and what the rows and columns are, so the file reads on its own.
 */
export function sweepCsv(result: SweepResult, field: SweepField = 'effects'): string {
  const matrix = field === 'effects' ? result.effects : result.cells;
  const corner = `${field === 'effects' ? 'effect' : result.metric} (sender \\ receiver)`;
  return csvLines([[corner, ...result.receivers], ...result.senders.map((sender, s) => [sender, ...result.receivers.map((_, r) => matrix[s]?.[r] ?? null)])]);
}
