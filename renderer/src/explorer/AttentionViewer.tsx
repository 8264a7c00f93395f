import { useCallback, useMemo } from 'react';
import { useStore } from '../store/store';
import { sequentialColor } from './colorScale';
import { HeatmapCanvas } from './HeatmapCanvas';
import { selectedModel } from './readiness';
import { ErrorLine } from './RunProgress';
import { showHead } from './runActions';
import { axisLabels } from './tokenLabel';

const LAYOUT = { minCell: 12, maxCell: 30, grouped: false, legend: true };
const LEGEND = { title: 'attention weight', ticks: [0, 0.25, 0.5, 0.75, 1], min: 0, max: 1, color: sequentialColor, format: (v: number) => v.toFixed(2) };
const NO_PATTERN: number[][] = [];

/** One head's attention pattern on the clean prompt: queries down, keys across, both labelled with their tokens. */
export function AttentionViewer() {
  const attention = useStore((s) => s.explorer.attention);
  const model = useStore((s) => selectedModel(s.explorer));
  const { layer, head, result } = attention;
  const pattern = result?.patterns[layer]?.[head] ?? NO_PATTERN;
  const labels = useMemo(() => axisLabels(result?.tokens ?? []), [result]);
  const color = useCallback((q: number, k: number) => sequentialColor(pattern[q]?.[k] ?? 0), [pattern]);
  const describe = useCallback(
    (q: number, k: number) => `query ${labels[q]} → key ${labels[k]}: ${(pattern[q]?.[k] ?? 0).toFixed(3)}`,
    [pattern, labels],
  );
  if (!model) return null;
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  return (
    <section className="explorer-card attention" data-testid="attention">
      <div className="result-head">
        <h3>Attention pattern</h3>
        <label className="small">
          layer{' '}
          <select data-testid="attention-layer" value={layer} onChange={(e) => showHead(Number(e.target.value), head)}>
            {range(model.layers).map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label className="small">
          head{' '}
          <select data-testid="attention-head" value={head} onChange={(e) => showHead(layer, Number(e.target.value))}>
            {range(model.heads).map((h) => (
              <option key={h} value={h}>
                {h}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small">L{layer}H{head} on the clean prompt · rows: queries · columns: keys{attention.status === 'loading' ? ' · loading…' : ''}</span>
      </div>
      {attention.status === 'idle' && <p className="muted small">Type a clean prompt to see its attention patterns.</p>}
      {attention.status === 'error' && attention.error && <ErrorLine error={attention.error} testId="attention-error" />}
      {result && pattern.length > 0 && (
        <HeatmapCanvas
          testId="attention-heatmap"
          ariaLabel={`Attention pattern of L${layer}H${head}, ${labels.length} queries by ${labels.length} keys`}
          rowLabels={labels}
          colLabels={labels}
          color={color}
          describe={describe}
          options={LAYOUT}
          legend={LEGEND}
        />
      )}
    </section>
  );
}
