import { useRef } from 'react';
import { useStore } from '../store/store';
import { seek } from './replayActions';
import { axisTicks, formatTime, fractionOf, isSpan, markerColor, scoreScale, timeAt } from './timeline';

const pct = (f: number) => `${(f * 100).toFixed(3)}%`;

/**
 * The whole attempt on one scrubber: markers as coloured ticks and spans (with their labels as tooltips), the
 * score-over-time chart on the same time axis below them, and the playhead. Click or drag anywhere to seek.
 */
export function Timeline() {
  const info = useStore((s) => s.replay?.info);
  const t = useStore((s) => s.replay?.t ?? 0);
  const ref = useRef<HTMLDivElement>(null);
  if (!info) return null;
  const d = info.durationMs;
  const scale = scoreScale(info.scores);
  const points = info.scores.map((p) => ({ p, v: scale.value(p) }));
  const line = points
    .filter((x) => x.v !== null)
    .map((x) => `${(fractionOf(x.p.t, d) * 1000).toFixed(1)},${((1 - scale.y(x.v!)) * 100).toFixed(1)}`)
    .join(' ');

  const seekAt = (clientX: number) => {
    const box = ref.current?.getBoundingClientRect();
    if (box && box.width > 0) seek(timeAt((clientX - box.left) / box.width, d));
  };
  const onPointerDown = (e: React.PointerEvent) => {
    if (e.button !== 0) return;
    seekAt(e.clientX);
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: React.PointerEvent) => {
    if (e.buttons & 1) seekAt(e.clientX);
  };

  return (
    <div className="replay-timeline-wrap">
      <div
        className="replay-timeline"
        data-testid="replay-timeline"
        ref={ref}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        role="slider"
        aria-label="Attempt time"
        aria-valuemin={0}
        aria-valuemax={d}
        aria-valuenow={Math.round(t)}
        aria-valuetext={formatTime(t)}
      >
        <div className="tl-track">
          {info.markers.map((m, i) =>
            isSpan(m) ? (
              <div
                key={i}
                className={`tl-span tl-${m.kind}`}
                data-testid={`replay-marker-${m.kind}`}
                title={`${formatTime(m.t)}–${formatTime(m.endT!)} ${m.label}`}
                style={{ left: pct(fractionOf(m.t, d)), width: `max(3px, ${pct(fractionOf(m.endT!, d) - fractionOf(m.t, d))})`, background: markerColor(m.kind) }}
              />
            ) : (
              <div
                key={i}
                className={`tl-tick tl-${m.kind}`}
                data-testid={`replay-marker-${m.kind}`}
                title={`${formatTime(m.t)} ${m.label}`}
                style={{ left: pct(fractionOf(m.t, d)), background: markerColor(m.kind) }}
              />
            ),
          )}
        </div>
        <div className="tl-scores" data-testid="replay-scores" title={scale.mode === 'normalized' ? 'normalized score (0 = start, 1 = reference)' : 'raw score'}>
          {scale.mode === 'normalized' && <div className="tl-ref" style={{ bottom: pct(scale.y(1)) }} title="reference" />}
          <svg viewBox="0 0 1000 100" preserveAspectRatio="none" aria-hidden="true">
            {line && <polyline points={line} vectorEffect="non-scaling-stroke" />}
          </svg>
          {points.map(({ p, v }, i) => (
            <div
              key={i}
              className={`tl-point${v === null ? ' failed' : ''}`}
              style={{ left: pct(fractionOf(p.t, d)), bottom: pct(v === null ? 0 : scale.y(v)) }}
              title={`${formatTime(p.t)} score ${p.score ?? 'failed'}${p.normalized !== null ? ` (normalized ${p.normalized.toFixed(3)})` : ''}`}
            />
          ))}
        </div>
        <div className="tl-axis">
          {axisTicks(d).map((x) => (
            <span key={x} style={{ left: pct(fractionOf(x, d)) }}>
              {formatTime(x)}
            </span>
          ))}
        </div>
        <div className="tl-playhead" style={{ left: pct(fractionOf(t, d)) }} />
      </div>
      <div className="tl-legend small muted">
        {[...new Set(info.markers.map((m) => m.kind))].map((k) => (
          <span key={k}>
            <i style={{ background: markerColor(k) }} />
            {k.replace('-', ' ')}
          </span>
        ))}
      </div>
    </div>
  );
}
