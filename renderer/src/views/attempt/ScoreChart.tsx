import { useStore } from '../../store/store';
import { chartScale, tickLabel, timeTicks, type ChartBox } from '../../lib/chartScale';

const BOX: ChartBox = { width: 300, height: 150, padLeft: 30, padRight: 8, padTop: 8, padBottom: 20 };

/** Normalized score against attempt time, with the start (0) and reference (1) lines; invalid tries sit on the axis in red. */
export function ScoreChart() {
  const scores = useStore((s) => s.attempt?.scores);
  const timeLimitMs = useStore((s) => s.attempt?.timeLimitMs ?? 1);
  if (!scores) return null;
  const points = scores.map((r) => ({ elapsedMs: r.elapsedMs, normalized: r.normalized }));
  const s = chartScale(points, timeLimitMs, BOX);
  const valid = scores.filter((r) => r.normalized !== null);
  const line = valid.map((r) => `${s.x(r.elapsedMs).toFixed(1)},${s.y(r.normalized!).toFixed(1)}`).join(' ');
  const yTicks = [0, 0.5, 1, ...(s.yMax >= 2 ? [Math.floor(s.yMax)] : [])].filter((v, i, a) => a.indexOf(v) === i && v <= s.yMax);
  return (
    <svg
      className="score-chart"
      data-testid="score-chart"
      viewBox={`0 0 ${BOX.width} ${BOX.height}`}
      role="img"
      aria-label={`Normalized score over attempt time, ${valid.length} valid of ${scores.length}`}
    >
      {timeTicks(s.xMaxMs).map((t, i, all) => (
        <g key={`x${t}`}>
          <line className="grid-line" x1={s.x(t)} x2={s.x(t)} y1={BOX.padTop} y2={BOX.height - BOX.padBottom} />
          {/* The last label ends at the edge instead of spilling past it. */}
          <text className="axis-label" x={s.x(t)} y={BOX.height - 6} textAnchor={i === all.length - 1 ? 'end' : 'middle'}>
            {tickLabel(t, s.xMaxMs)}
          </text>
        </g>
      ))}
      {yTicks.map((v) => (
        <g key={`y${v}`}>
          <line className={v === 0 || v === 1 ? `ref-line ref-${v}` : 'grid-line'} x1={BOX.padLeft} x2={BOX.width - BOX.padRight} y1={s.y(v)} y2={s.y(v)} />
          <text className="axis-label" x={BOX.padLeft - 4} y={s.y(v) + 3} textAnchor="end">
            {v}
          </text>
        </g>
      ))}
      {valid.length > 1 && <polyline className="score-line" points={line} />}
      {scores.map((r) =>
        r.normalized === null ? (
          <path key={r.n} className="score-invalid" d={`M${s.x(r.elapsedMs) - 3},${s.y(0) - 3}l6,6m0,-6l-6,6`} />
        ) : (
          <circle key={r.n} className="score-point" cx={s.x(r.elapsedMs)} cy={s.y(r.normalized)} r={3}>
            <title>{`#${r.n}: ${r.normalized.toFixed(3)}`}</title>
          </circle>
        ),
      )}
    </svg>
  );
}
