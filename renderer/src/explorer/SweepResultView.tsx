import { useCallback, useMemo, useRef } from 'react';
import type { SweepRequest, SweepResult } from '../../../main/common/patching/types';
import { useStore } from '../store/store';
import { CellDetail } from './CellDetail';
import { divergingColor, legendTicks, symmetricDomain } from './colorScale';
import { sweepCsv, type SweepField } from './csv';
import { downloadCanvas, downloadText, exportName } from './download';
import { formatElapsed, formatMetric, formatShare } from './format';
import { HeatmapCanvas } from './HeatmapCanvas';
import { withCaption } from './paintHeatmap';
import { selectedModel } from './readiness';
import { selectCell } from './runActions';
import { strongestCells } from './strongest';

const METRIC_NAMES = { 'logit-diff': 'logit difference', loss: 'loss', kl: 'KL to the reference' } as const;
const SWEEP_LAYOUT = { minCell: 12, maxCell: 34, grouped: true, legend: true };

function caption(result: SweepResult, request: SweepRequest | undefined): string {
  const pair = request?.pairs.length === 1 ? request.pairs[0]! : null;
  const clip = (t: string) => (t.length > 60 ? `${t.slice(0, 59)}…` : t);
  const inputs = pair ? `clean "${clip(pair.clean)}" · corrupt "${clip(pair.corrupt)}"` : `${result.pairs} pairs`;
  const answers = request?.answers ? ` · answers ${request.answers[0]} / ${request.answers[1]}` : '';
  return `${result.modelId} · ${METRIC_NAMES[result.metric]} · ${inputs}${answers}`;
}

/** The sweep's heatmap (senders × receiver inputs), its strongest cells, the clicked cell's detail, and exports. */
export function SweepResultView({ result, request }: { result: SweepResult; request?: SweepRequest }) {
  const selected = useStore((s) => s.explorer.selectedCell);
  const paths = useStore((s) => s.explorer.paths);
  const explain = useStore((s) => s.explorer.explain.result);
  const model = useStore((s) => selectedModel(s.explorer));
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const maxAbs = useMemo(() => symmetricDomain(result.effects), [result]);
  const color = useCallback(
    (row: number, col: number) => {
      const v = result.effects[row]?.[col] ?? null;
      return v === null ? null : divergingColor(v, maxAbs);
    },
    [result, maxAbs],
  );
  const describe = useCallback(
    (row: number, col: number) => {
      const v = result.effects[row]?.[col] ?? null;
      const head = `${result.senders[row]} → ${result.receivers[col]}`;
      return v === null ? `${head}: not downstream` : `${head}: ${formatShare(v)} of total · ${result.metric} ${formatMetric(result.cells[row]?.[col] ?? null)}`;
    },
    [result],
  );
  const legend = useMemo(
    () => ({
      title: 'share of total effect',
      ticks: legendTicks(maxAbs),
      min: -maxAbs,
      max: maxAbs,
      color: (v: number) => divergingColor(v, maxAbs),
      format: formatShare,
    }),
    [maxAbs],
  );
  const top = useMemo(() => strongestCells(result, 8), [result]);

  const exportJson = () =>
    downloadText(exportName('sweep', result.modelId, 'json'), JSON.stringify({ request, sweep: result, explain: explain ?? null }, null, 2), 'application/json');
  const exportCsv = (field: SweepField) => downloadText(exportName(field === 'effects' ? 'sweep' : 'sweep-metric', result.modelId, 'csv'), sweepCsv(result, field), 'text/csv');
  const exportPng = () => {
    if (canvas.current) void downloadCanvas(withCaption(canvas.current, caption(result, request)), exportName('sweep', result.modelId, 'png'));
  };

  return (
    <section className="explorer-card sweep-result" data-testid="sweep-result">
      <div className="result-head">
        <h3>Sweep</h3>
        <span className="muted small" data-testid="sweep-meta">
          {METRIC_NAMES[result.metric]} · {result.pairs} pair(s) · {result.positions} position(s) · clean {formatMetric(result.clean)} · corrupt{' '}
          {formatMetric(result.corrupt)} · {result.provider} · {formatElapsed(result.elapsedMs)}
        </span>
        <span className="spacer" />
        <button data-testid="export-json" onClick={exportJson}>
          JSON
        </button>
        <button data-testid="export-csv" title="The matrix of shares of the total effect, with labels" onClick={() => exportCsv('effects')}>
          CSV
        </button>
        <button data-testid="export-csv-metric" title={`The matrix of the metric itself (${result.metric}), with labels`} onClick={() => exportCsv('cells')}>
          CSV (metric)
        </button>
        <button data-testid="export-png" onClick={exportPng}>
          PNG
        </button>
      </div>
      {request && (
        <p className="small" data-testid="sweep-prompts">
          {request.pairs.length === 1 ? (
            <>
              clean <code>{request.pairs[0]!.clean}</code> · corrupt <code>{request.pairs[0]!.corrupt}</code>
            </>
          ) : (
            `${request.pairs.length} pairs from the dataset`
          )}
          {request.answers ? (
            <>
              {' '}
              · answers <code>{request.answers[0]}</code> / <code>{request.answers[1]}</code>
            </>
          ) : null}
        </p>
      )}
      <p className="muted small">
        Each cell: the sender's output, computed on the counterfactual, is sent only into the receiver's input; everything else sees the reference. Colour: the
        change in the metric as a share of the whole clean → corrupt change. Hatched: the receiver is not downstream of the sender.
      </p>
      <div className="sweep-body">
        <HeatmapCanvas
          testId="sweep-heatmap"
          ariaLabel={`Path-patching sweep: ${result.senders.length} senders by ${result.receivers.length} receivers`}
          rowLabels={result.senders}
          colLabels={result.receivers}
          color={color}
          describe={describe}
          options={SWEEP_LAYOUT}
          legend={legend}
          selected={selected}
          onSelect={selectCell}
          canvasRef={canvas}
        />
        <aside className="sweep-side">
          <CellDetail result={result} cell={selected} paths={paths} shape={model} />
          <h3>Strongest paths</h3>
          <ol className="strongest" data-testid="sweep-strongest">
            {top.map((c) => (
              <li key={`${c.row}:${c.col}`} data-sender={c.sender} data-receiver={c.receiver} data-effect={c.effect}>
                <button className="link" onClick={() => selectCell({ row: c.row, col: c.col })}>
                  <code>
                    {c.sender} → {c.receiver}
                  </code>
                </button>
                <span className="num">{formatShare(c.effect)}</span>
              </li>
            ))}
          </ol>
        </aside>
      </div>
    </section>
  );
}
