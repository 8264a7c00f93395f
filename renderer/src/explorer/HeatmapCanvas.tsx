import { useEffect, useMemo, useRef, useState, type Ref } from 'react';
import type { Rgb } from './colorScale';
import { cellAt, heatmapLayout, type HeatmapLayout, type LayoutOptions } from './heatmapLayout';
import { paintHeatmap, type Legend } from './paintHeatmap';

type Cell = { row: number; col: number };

export interface HeatmapCanvasProps {
  testId: string;
  rowLabels: readonly string[];
  colLabels: readonly string[];
  color(row: number, col: number): Rgb | null;
  /** The hover text of a cell. */
  describe(row: number, col: number): string;
  options: Omit<LayoutOptions, 'fitWidth'>;
  legend?: Legend;
  selected?: Cell | null;
  onSelect?: (cell: Cell) => void;
  canvasRef?: Ref<HTMLCanvasElement>;
  ariaLabel: string;
}

/** A cell's outline over the canvas. */
function Mark({ layout, cell, className }: { layout: HeatmapLayout; cell: Cell; className: string }) {
  return <div className={className} style={{ left: layout.left + cell.col * layout.cellW, top: layout.top + cell.row * layout.cellH, width: layout.cellW, height: layout.cellH }} />;
}

/** The hovered cell's row and column, shaded to the labels so a large sweep reads across. */
function Band({ layout, cell }: { layout: HeatmapLayout; cell: Cell }) {
  return (
    <>
      <div className="heatmap-band" style={{ left: 0, top: layout.top + cell.row * layout.cellH, width: layout.left + layout.cols * layout.cellW, height: layout.cellH }} />
      <div className="heatmap-band" style={{ left: layout.left + cell.col * layout.cellW, top: 0, width: layout.cellW, height: layout.top + layout.rows * layout.cellH }} />
    </>
  );
}

/**
 * A heatmap on a canvas that fits its container's width (cells between the layout's bounds; wider ones scroll),
 * shows the value under the pointer, and selects a cell on click or with the arrow keys.
 */
export function HeatmapCanvas(props: HeatmapCanvasProps) {
  const { rowLabels, colLabels, color, options, legend, selected } = props;
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const [fitWidth, setFitWidth] = useState(900);
  // The hovered cell repaints the canvas; the tip's position only moves a div.
  const [hover, setHover] = useState<Cell | null>(null);
  const [tip, setTip] = useState<{ x: number; y: number } | null>(null);

  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setFitWidth(Math.max(320, el.clientWidth)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const layout = useMemo(() => heatmapLayout(rowLabels, colLabels, { ...options, fitWidth }), [rowLabels, colLabels, options, fitWidth]);

  useEffect(() => {
    if (canvas.current) paintHeatmap(canvas.current, { layout, rowLabels, colLabels, color, legend });
  }, [layout, rowLabels, colLabels, color, legend]);

  const setCanvas = (el: HTMLCanvasElement | null) => {
    canvas.current = el;
    const ref = props.canvasRef;
    if (typeof ref === 'function') ref(el);
    else if (ref) ref.current = el;
  };

  const pointCell = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    const cell = cellAt(layout, x, y);
    return cell ? { ...cell, x: e.clientX, y: e.clientY } : null;
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const m = moves[e.key];
    if (!m || !props.onSelect || layout.rows === 0 || layout.cols === 0) return;
    e.preventDefault();
    const from = selected ?? { row: 0, col: 0 };
    const row = Math.min(layout.rows - 1, Math.max(0, from.row + (selected ? m[0] : 0)));
    const col = Math.min(layout.cols - 1, Math.max(0, from.col + (selected ? m[1] : 0)));
    props.onSelect({ row, col });
  };

  return (
    <div className="heatmap-wrap" ref={wrap}>
      <canvas
        ref={setCanvas}
        data-testid={props.testId}
        data-layout={JSON.stringify({ left: layout.left, top: layout.top, cellW: layout.cellW, cellH: layout.cellH, rows: layout.rows, cols: layout.cols })}
        tabIndex={props.onSelect ? 0 : -1}
        role="img"
        aria-label={props.ariaLabel}
        className={props.onSelect ? 'heatmap clickable' : 'heatmap'}
        onMouseMove={(e) => {
          const at = pointCell(e);
          setTip(at && { x: at.x, y: at.y });
          setHover((h) => (at && h?.row === at.row && h.col === at.col ? h : at && { row: at.row, col: at.col }));
        }}
        onMouseLeave={() => {
          setHover(null);
          setTip(null);
        }}
        onClick={(e) => {
          const cell = pointCell(e);
          if (cell && props.onSelect) props.onSelect({ row: cell.row, col: cell.col });
        }}
        onKeyDown={onKeyDown}
      />
      <div className="heatmap-overlay" style={{ width: layout.width, height: layout.height }}>
        {hover && <Band layout={layout} cell={hover} />}
        {hover && <Mark layout={layout} cell={hover} className="heatmap-hover" />}
        {selected && <Mark layout={layout} cell={selected} className="heatmap-selected" />}
      </div>
      {hover && tip && (
        // Fixed to the viewport so the scrolling heatmap never clips it; flipped to the left near the right edge.
        <div
          className="heatmap-tip"
          data-testid={`${props.testId}-tip`}
          style={tip.x > window.innerWidth - 360 ? { right: window.innerWidth - tip.x + 14, top: tip.y + 14 } : { left: tip.x + 14, top: tip.y + 14 }}
        >
          {props.describe(hover.row, hover.col)}
        </div>
      )}
    </div>
  );
}
