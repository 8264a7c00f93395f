import { describe, expect, it } from 'vitest';
import { cellAt, cellCentre, columnGroups, heatmapLayout } from './heatmapLayout';

const receivers = ['L0H0.q', 'L0H0.k', 'L0H0.v', 'L1H0.q', 'L1H0.k', 'L1H0.v', 'logits'];
const senders = ['embed', 'L0H0', 'L1H0'];

describe('heatmap layout', () => {
  it('groups receiver columns by layer, the logits apart', () => {
    expect(columnGroups(receivers)).toEqual([
      { label: 'layer 0', start: 0, end: 3 },
      { label: 'layer 1', start: 3, end: 6 },
      { label: 'out', start: 6, end: 7 },
    ]);
  });
  it('fits the cells to the width within bounds and leaves room for the labels', () => {
    const l = heatmapLayout(senders, receivers, { fitWidth: 400, minCell: 12, maxCell: 26, grouped: true, legend: true });
    expect(l.left).toBeGreaterThanOrEqual('embed'.length * 7);
    expect(l.top).toBeGreaterThanOrEqual('L0H0.q'.length * 7);
    expect(l.cellW).toBe(26);
    const narrow = heatmapLayout(senders, receivers, { fitWidth: 100, minCell: 12, maxCell: 26, grouped: true, legend: true });
    expect(narrow.cellW).toBe(12);
    expect(narrow.width).toBeGreaterThan(100); // it scrolls rather than shrinking cells below the minimum
    expect(l.legend!.y).toBeGreaterThan(l.top + 3 * l.cellH);
    expect(l.height).toBeGreaterThan(l.legend!.y + l.legend!.h);
  });
  it('finds the cell under a point, and null outside the grid', () => {
    const l = heatmapLayout(senders, receivers, { fitWidth: 600, minCell: 12, maxCell: 20, grouped: true, legend: false });
    const c = cellCentre(l, 1, 4);
    expect(cellAt(l, c.x, c.y)).toEqual({ row: 1, col: 4 });
    expect(cellAt(l, l.left - 1, c.y)).toBeNull();
    expect(cellAt(l, c.x, l.top + 3 * l.cellH + 1)).toBeNull();
    expect(cellAt(l, l.left + 7 * l.cellW + 1, c.y)).toBeNull();
  });
});
