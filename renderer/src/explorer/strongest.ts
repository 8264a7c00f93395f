/** The sweep's strongest cells, by the size of their share of the total effect, for the ranked list beside the heatmap. */
import type { SweepResult } from '../../../main/common/patching/types';

export interface RankedCell {
  row: number;
  col: number;
  sender: string;
  receiver: string;
  effect: number;
}

export function strongestCells(result: SweepResult, n: number): RankedCell[] {
  const all: RankedCell[] = [];
  result.effects.forEach((row, s) =>
    row.forEach((effect, r) => {
      if (effect !== null && Number.isFinite(effect)) all.push({ row: s, col: r, sender: result.senders[s]!, receiver: result.receivers[r]!, effect });
    }),
  );
  // Stable: equal effects keep the sweep's order (senders, then receivers).
  return all.sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect)).slice(0, n);
}
