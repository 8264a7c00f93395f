import type { RunState } from './explorerSlice';

/** A long run's progress bar (from the host's patch.progress events for its job) and its Cancel button. */
export function RunProgress({ run, onCancel, testId }: { run: RunState<unknown>; onCancel: () => void; testId: string }) {
  if (run.status !== 'running') return null;
  const p = run.progress;
  const frac = p && p.total > 0 ? Math.min(1, p.done / p.total) : null;
  return (
    <div className="run-progress" data-testid={testId}>
      <div className="progress-bar" role="progressbar" aria-valuemin={0} aria-valuemax={p?.total ?? 1} aria-valuenow={p?.done ?? 0}>
        <div className={frac === null ? 'progress-fill indeterminate' : 'progress-fill'} style={frac === null ? undefined : { width: `${(frac * 100).toFixed(1)}%` }} />
      </div>
      <span className="muted small">{p ? `${p.phase} · ${p.done} / ${p.total}` : 'starting…'}</span>
      <button data-testid={`${testId}-cancel`} onClick={onCancel}>
        Cancel
      </button>
      {run.error && <ErrorLine error={run.error} testId={`${testId}-error`} />}
    </div>
  );
}

/** An API failure shown where it happened, with its stable code. */
export function ErrorLine({ error, testId }: { error: { code: string; message: string }; testId: string }) {
  return (
    <p className="warn-text explorer-error" data-testid={testId} data-code={error.code}>
      {error.message} <span className="muted">({error.code})</span>
    </p>
  );
}
