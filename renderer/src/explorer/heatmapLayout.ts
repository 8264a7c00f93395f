/**
 * Geometry of a labelled heatmap drawn on a canvas: label margins, cell size, the layer groups over the columns,
 * the legend's place, and which cell a pointer is over. Pure, so it is tested without a DOM; the e2e test reads it
 * from the canvas's data-layout attribute to click a cell as a user would.
 */
import { nodeLayer } from './paths';

/** Width of one character of the 11px monospace labels, rounded up. */
export const LABEL_CHAR_W = 7;
const GROUP_HEADER_H = 18;
const LEGEND_H = 58;

export interface ColumnGroup {
  label: string;
  start: number;
  /** Exclusive. */
  end: number;
}

export interface HeatmapLayout {
  left: number;
  top: number;
  cellW: number;
  cellH: number;
  rows: number;
  cols: number;
  width: number;
  height: number;
  /** Empty for a heatmap without groups (the attention pattern). */
  groups: ColumnGroup[];
  /** The rows' layer groups, the same way (embed alone, then each layer's heads and MLP). */
  rowGroups: ColumnGroup[];
  groupTop: number;
  /** Where the colour legend goes, under the grid; null when the heatmap has none. */
  legend: { x: number; y: number; w: number; h: number } | null;
}

export interface LayoutOptions {
  /** Width the heatmap should fit in when cells may shrink or grow (CSS pixels). */
  fitWidth: number;
  minCell: number;
  maxCell: number;
  grouped: boolean;
  legend: boolean;
}

/** Consecutive receivers of the same layer form a group: "layer 0", "layer 1", …, then "out" for the logits. */
export function columnGroups(labels: readonly string[]): ColumnGroup[] {
  const groups: ColumnGroup[] = [];
  labels.forEach((name, i) => {
    const layer = nodeLayer(name);
    const label = layer === null ? (name === 'logits' ? 'out' : name) : `layer ${layer}`;
    const last = groups[groups.length - 1];
    if (last && last.label === label) last.end = i + 1;
    else groups.push({ label, start: i, end: i + 1 });
  });
  return groups;
}

function longest(labels: readonly string[]): number {
  return labels.reduce((m, l) => Math.max(m, l.length), 0);
}

export function heatmapLayout(rowLabels: readonly string[], colLabels: readonly string[], opts: LayoutOptions): HeatmapLayout {
  const rows = rowLabels.length;
  const cols = colLabels.length;
  const left = longest(rowLabels) * LABEL_CHAR_W + 14;
  const groupTop = 4;
  const top = (opts.grouped ? GROUP_HEADER_H : 0) + longest(colLabels) * LABEL_CHAR_W + 14;
  const fit = cols > 0 ? Math.floor((opts.fitWidth - left - 12) / cols) : opts.maxCell;
  const cellW = Math.max(opts.minCell, Math.min(opts.maxCell, fit));
  const cellH = Math.max(opts.minCell, Math.min(opts.maxCell, cellW));
  const gridBottom = top + rows * cellH;
  const legend = opts.legend ? { x: left, y: gridBottom + 16, w: Math.max(160, Math.min(320, cols * cellW)), h: 10 } : null;
  const width = Math.max(left + cols * cellW + 12, legend ? legend.x + legend.w + 30 : 0);
  const height = gridBottom + (legend ? LEGEND_H : 8);
  return { left, top, cellW, cellH, rows, cols, width, height, groups: opts.grouped ? columnGroups(colLabels) : [], rowGroups: opts.grouped ? columnGroups(rowLabels) : [], groupTop, legend };
}

/** The cell under a point in CSS pixels relative to the canvas, or null outside the grid. */
export function cellAt(layout: HeatmapLayout, x: number, y: number): { row: number; col: number } | null {
  const col = Math.floor((x - layout.left) / layout.cellW);
  const row = Math.floor((y - layout.top) / layout.cellH);
  if (x < layout.left || y < layout.top || col >= layout.cols || row >= layout.rows) return null;
  return { row, col };
}

/** The centre of a cell in CSS pixels relative to the canvas. */
export function cellCentre(layout: HeatmapLayout, row: number, col: number): { x: number; y: number } {
  return { x: layout.left + (col + 0.5) * layout.cellW, y: layout.top + (row + 0.5) * layout.cellH };
}
