/**
 * Line charts as inline SVG: axes with round ticks, one polyline per series, an optional shaded interval band,
 * points with <title> tooltips, a legend. No script, no fonts or files from elsewhere: the report opens offline.
 */
export interface ChartPoint {
  x: number;
  y: number;
  lo?: number;
  hi?: number;
  /** Tooltip text. */
  label?: string;
}

export interface ChartSeries {
  name: string;
  points: ChartPoint[];
  color?: string;
  /** Draw each point as a dot (for sparse series); the line is always drawn. */
  dots?: boolean;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  xScale?: 'linear' | 'log2';
  xFormat?: (x: number) => string;
  yFormat?: (y: number) => string;
  width?: number;
  height?: number;
  /** The y range always includes these values (0 and 1 for normalized scores). */
  yInclude?: number[];
}

/** Colour-blind-safe (Okabe–Ito). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
/** Margins; the top one holds the title and, below it, the legend in one row. */
const M = { top: 44, right: 16, bottom: 44, left: 56 };

export function lineChart(o: ChartOptions): string {
  const W = o.width ?? 640;
  const H = o.height ?? 300;
  const pts = o.series.flatMap((s) => s.points);
  if (pts.length === 0) return `<svg class="chart" viewBox="0 0 ${W} 60" role="img" aria-label="${esc(o.title)}"><text x="8" y="30">${esc(o.title)}: no data</text></svg>`;
  const log = o.xScale === 'log2';
  const tx = (x: number) => (log ? Math.log2(x) : x);
  const xs = pts.map((p) => tx(p.x));
  const ys = [...pts.flatMap((p) => [p.y, p.lo ?? p.y, p.hi ?? p.y]), ...(o.yInclude ?? [])];
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const yt = niceTicks(y0, y1, 5);
  [y0, y1] = [Math.min(y0, yt[0]!), Math.max(y1, yt[yt.length - 1]!)];
  const px = (x: number) => M.left + ((tx(x) - x0) / (x1 - x0)) * (W - M.left - M.right);
  const py = (y: number) => H - M.bottom - ((y - y0) / (y1 - y0)) * (H - M.top - M.bottom);
  const fx = o.xFormat ?? fmt;
  const fy = o.yFormat ?? fmt;
  const xt = log ? Array.from({ length: Math.floor(x1) - Math.ceil(x0) + 1 }, (_, i) => 2 ** (Math.ceil(x0) + i)) : niceTicks(x0, x1, 6);
  const out: string[] = [];
  out.push(`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(o.title)}" xmlns="http://www.w3.org/2000/svg">`);
  out.push(`<text class="title" x="${M.left}" y="16">${esc(o.title)}</text>`);
  for (const t of yt) {
    out.push(`<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${r(py(t))}" y2="${r(py(t))}"/>`);
    out.push(`<text class="tick" x="${M.left - 6}" y="${r(py(t) + 4)}" text-anchor="end">${esc(fy(t))}</text>`);
  }
  for (const t of xt) {
    if (tx(t) < x0 - 1e-9 || tx(t) > x1 + 1e-9) continue;
    out.push(`<line class="grid" x1="${r(px(t))}" x2="${r(px(t))}" y1="${M.top}" y2="${H - M.bottom}"/>`);
    out.push(`<text class="tick" x="${r(px(t))}" y="${H - M.bottom + 16}" text-anchor="middle">${esc(fx(t))}</text>`);
  }
  out.push(`<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}"/>`);
  out.push(`<line class="axis" x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}"/>`);
  out.push(`<text class="label" x="${(M.left + W - M.right) / 2}" y="${H - 8}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  out.push(`<text class="label" transform="translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  let legendX = M.left;
  o.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length]!;
    const sorted = [...s.points].sort((a, b) => a.x - b.x);
    const band = sorted.filter((p) => p.lo !== undefined && p.hi !== undefined);
    if (band.length > 1) {
      const poly = [...band.map((p) => `${r(px(p.x))},${r(py(p.hi!))}`), ...band.reverse().map((p) => `${r(px(p.x))},${r(py(p.lo!))}`)].join(' ');
      out.push(`<polygon class="band" points="${poly}" fill="${color}"/>`);
    }
    out.push(`<polyline class="line" points="${sorted.map((p) => `${r(px(p.x))},${r(py(p.y))}`).join(' ')}" stroke="${color}"/>`);
    if (s.dots || sorted.length <= 12) {
      for (const p of sorted) {
        if (p.lo !== undefined && p.hi !== undefined && band.length <= 1) out.push(`<line class="whisker" x1="${r(px(p.x))}" x2="${r(px(p.x))}" y1="${r(py(p.lo))}" y2="${r(py(p.hi))}" stroke="${color}"/>`);
        out.push(`<circle cx="${r(px(p.x))}" cy="${r(py(p.y))}" r="3" fill="${color}"><title>${esc(p.label ?? `${s.name}: ${fx(p.x)} → ${fy(p.y)}`)}</title></circle>`);
      }
    }
    out.push(`<rect x="${legendX}" y="24" width="10" height="10" fill="${color}"/><text class="legend" x="${legendX + 14}" y="33">${esc(s.name)}</text>`);
    // Legend entries in a row: an estimate of the text's width at 11px is enough, nothing is measured offline.
    legendX += 30 + s.name.length * 6;
  });
  out.push('</svg>');
  return out.join('');
}

/** About `count` round ticks covering [lo, hi]: steps of 1, 2 or 5 times a power of ten. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => raw <= s)!;
  const out: number[] = [];
  for (let t = Math.floor(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toFixed(12)));
  if (out[out.length - 1]! < hi) out.push(out[out.length - 1]! + step);
  return out;
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(Math.abs(x) < 1 ? 2 : 1);
}

function r(x: number): string {
  return x.toFixed(1);
}
