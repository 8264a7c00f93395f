import { useStore } from '../store/store';
import { runBlocker } from './readiness';
import { ErrorLine, RunProgress } from './RunProgress';
import { cancelSweep, runSweep } from './runActions';
import { SweepResultView } from './SweepResultView';

/** Run sweep, its progress and cancel, then the result (kept while the next one runs). */
export function SweepPanel() {
  const x = useStore((s) => s.explorer);
  const blocker = runBlocker(x);
  const running = x.sweep.status === 'running';
  return (
    <>
      <section className="explorer-card sweep-run">
        <div className="run-row">
          <button className="primary big" data-testid="sweep-run" disabled={!!blocker || running} title={blocker ?? undefined} onClick={() => void runSweep()}>
            {running ? 'Sweeping…' : 'Run sweep'}
          </button>
          <span className="muted small">{blocker ?? 'every sender (embedding, heads, MLPs) into every receiver input (Q, K, V of later heads, MLPs, logits)'}</span>
        </div>
        <RunProgress run={x.sweep} onCancel={() => void cancelSweep()} testId="sweep-progress" />
        {x.sweep.status === 'cancelled' && (
          <p className="muted small" data-testid="sweep-cancelled">
            Sweep cancelled.
          </p>
        )}
        {x.sweep.status === 'error' && x.sweep.error && <ErrorLine error={x.sweep.error} testId="sweep-error" />}
      </section>
      {x.sweep.result && <SweepResultView result={x.sweep.result} request={x.sweepRequest} />}
    </>
  );
}
