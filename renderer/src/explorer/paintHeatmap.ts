/**
 * Draws a labelled heatmap on a canvas: row and column labels (columns rotated), layer groups, hatched null cells and
 * a colour legend. Everything that explains the picture is on the canvas, so the PNG export stands on its own; the
 * hovered and selected cells are drawn over it in the DOM, so moving the pointer never repaints a large sweep.
 */
import { rgbCss, type Rgb } from './colorScale';
import type { HeatmapLayout } from './heatmapLayout';

const BG = '#16181d';
const NULL_FILL = '#1d2027';
const NULL_HATCH = '#3a404c';
const LINE = '#4a5160';
const LABEL = '#8b93a3';
const TEXT = '#d8dee9';
const FONT = "11px ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace";

export interface Legend {
  title: string;
  ticks: number[];
  min: number;
  max: number;
  color(v: number): Rgb;
  format(v: number): string;
}

export interface HeatmapPaint {
  layout: HeatmapLayout;
  rowLabels: readonly string[];
  colLabels: readonly string[];
  /** A cell's colour, or null for a hatched cell (no value). */
  color(row: number, col: number): Rgb | null;
  legend?: Legend;
}

/** Diagonal hatching as a repeating tile: one fill per null cell, fast even for a GPT-2-sized sweep. */
function hatchPattern(ctx: CanvasRenderingContext2D): CanvasPattern | string {
  const tile = document.createElement('canvas');
  tile.width = 6;
  tile.height = 6;
  const t = tile.getContext('2d');
  if (!t) return NULL_FILL;
  t.fillStyle = NULL_FILL;
  t.fillRect(0, 0, 6, 6);
  t.strokeStyle = NULL_HATCH;
  t.lineWidth = 1;
  t.beginPath();
  t.moveTo(0, 6);
  t.lineTo(6, 0);
  t.moveTo(-3, 3);
  t.lineTo(3, -3);
  t.moveTo(3, 9);
  t.lineTo(9, 3);
  t.stroke();
  return ctx.createPattern(tile, 'repeat') ?? NULL_FILL;
}

function paintLabels(ctx: CanvasRenderingContext2D, p: HeatmapPaint): void {
  const { layout: l } = p;
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  ctx.fillStyle = LABEL;
  p.rowLabels.forEach((label, row) => {
    ctx.fillText(label, l.left - 6, l.top + (row + 0.5) * l.cellH);
  });
  ctx.textAlign = 'left';
  p.colLabels.forEach((label, col) => {
    ctx.save();
    ctx.translate(l.left + (col + 0.5) * l.cellW, l.top - 6);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(label, 0, 0);
    ctx.restore();
  });
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const g of l.groups) {
    const x0 = l.left + g.start * l.cellW;
    const x1 = l.left + g.end * l.cellW;
    ctx.fillStyle = TEXT;
    ctx.fillText(g.label, (x0 + x1) / 2, l.groupTop, Math.max(20, x1 - x0));
    ctx.fillStyle = LINE;
    ctx.fillRect(x0 + 2, l.groupTop + 14, x1 - x0 - 4, 1);
  }
}

function paintGroupLines(ctx: CanvasRenderingContext2D, l: HeatmapLayout): void {
  ctx.fillStyle = LINE;
  for (const g of l.groups.slice(1)) ctx.fillRect(l.left + g.start * l.cellW - 1, l.top, 2, l.rows * l.cellH);
  for (const g of l.rowGroups.slice(1)) ctx.fillRect(l.left, l.top + g.start * l.cellH, l.cols * l.cellW, 1);
}

function paintLegend(ctx: CanvasRenderingContext2D, l: HeatmapLayout, legend: Legend): void {
  const box = l.legend;
  if (!box) return;
  const steps = 64;
  for (let i = 0; i < steps; i++) {
    const v = legend.min + ((legend.max - legend.min) * (i + 0.5)) / steps;
    ctx.fillStyle = rgbCss(legend.color(v));
    ctx.fillRect(box.x + (box.w * i) / steps, box.y, box.w / steps + 0.5, box.h);
  }
  ctx.strokeStyle = LINE;
  ctx.lineWidth = 1;
  ctx.strokeRect(box.x + 0.5, box.y + 0.5, box.w - 1, box.h - 1);
  ctx.font = FONT;
  ctx.textBaseline = 'top';
  ctx.fillStyle = LABEL;
  for (const t of legend.ticks) {
    const x = box.x + (box.w * (t - legend.min)) / (legend.max - legend.min || 1);
    ctx.fillRect(x, box.y + box.h, 1, 4);
    ctx.textAlign = 'center';
    ctx.fillText(legend.format(t), x, box.y + box.h + 6);
  }
  ctx.textAlign = 'left';
  ctx.fillStyle = TEXT;
  ctx.fillText(legend.title, box.x, box.y + box.h + 22);

}

/**
 * The canvas with a caption line under it (what the picture is of: model, metric, prompts), as a new canvas for a
 * PNG export; the view shows the same facts in the page.
 */
export function withCaption(canvas: HTMLCanvasElement, caption: string, dpr = window.devicePixelRatio || 1): HTMLCanvasElement {
  const out = document.createElement('canvas');
  const ctx = out.getContext('2d');
  if (!ctx) return canvas;
  ctx.font = FONT;
  const textW = Math.ceil(ctx.measureText(caption).width) + 24;
  out.width = Math.max(canvas.width, Math.ceil(textW * dpr));
  out.height = canvas.height + Math.ceil(24 * dpr);
  ctx.fillStyle = BG;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.font = FONT;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  ctx.fillStyle = LABEL;
  ctx.fillText(caption, 12, canvas.height / dpr + 4);
  return out;
}

/** Sizes the canvas for the layout at the screen's pixel ratio and draws the whole heatmap. */
export function paintHeatmap(canvas: HTMLCanvasElement, p: HeatmapPaint, dpr = window.devicePixelRatio || 1): void {
  const l = p.layout;
  canvas.width = Math.ceil(l.width * dpr);
  canvas.height = Math.ceil(l.height * dpr);
  canvas.style.width = `${l.width}px`;
  canvas.style.height = `${l.height}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = BG;
  ctx.fillRect(0, 0, l.width, l.height);
  const hatch = hatchPattern(ctx);
  for (let row = 0; row < l.rows; row++) {
    for (let col = 0; col < l.cols; col++) {
      const x = l.left + col * l.cellW;
      const y = l.top + row * l.cellH;
      const c = p.color(row, col);
      ctx.fillStyle = c === null ? hatch : rgbCss(c);
      ctx.fillRect(x, y, l.cellW, l.cellH);
    }
  }
  paintGroupLines(ctx, l);
  paintLabels(ctx, p);
  if (p.legend) paintLegend(ctx, l, p.legend);
}
