import { useStore } from '../store/store';
import { downloadText, exportName } from './download';
import { formatElapsed, formatMetric, formatShare } from './format';
import { formatPath } from './paths';
import { runBlocker } from './readiness';
import { ErrorLine, RunProgress } from './RunProgress';
import { addDraftPath, cancelExplain, removePath, runExplain, setPathDraft } from './runActions';

/** Rows of the per-pair table; a long dataset's rest is in the JSON export. */
const PAIRS_SHOWN = 50;

/** A set of paths (from the sweep or typed) and how much of the behaviour they explain: 1 − AUE/ATE over the pairs. */
export function HypothesisBuilder() {
  const x = useStore((s) => s.explorer);
  const blocker = runBlocker(x) ?? (x.paths.length === 0 ? 'Add at least one path' : null);
  const r = x.explain.result;
  return (
    <section className="explorer-card hypothesis" data-testid="hypothesis">
      <h3>Hypothesis</h3>
      <p className="muted small">
        The listed paths carry the reference input and every other path the counterfactual; the proportion explained is 1 − AUE/ATE, averaged over the pairs.
      </p>
      <ul className="path-list" data-testid="hypothesis-paths">
        {x.paths.length === 0 && <li className="muted small">No paths yet: add one from a sweep cell, or type one below.</li>}
        {x.paths.map((p, i) => (
          <li key={formatPath(p)} data-path={formatPath(p)}>
            <code>{p.join(' → ')}</code>
            <button className="icon-button" title="Remove this path" aria-label={`Remove ${formatPath(p)}`} onClick={() => removePath(i)}>
              ✕
            </button>
          </li>
        ))}
      </ul>
      <form
        className="path-form"
        onSubmit={(e) => {
          e.preventDefault();
          addDraftPath();
        }}
      >
        <input className="text mono" data-testid="path-input" placeholder="embed>L0H0>L1H0.k>logits" value={x.pathDraft} spellCheck={false} onChange={(e) => setPathDraft(e.target.value)} />
        <button type="submit" data-testid="path-add" disabled={!x.pathDraft.trim()}>
          Add
        </button>
      </form>
      {x.pathError && (
        <p className="warn-text small" data-testid="path-error">
          {x.pathError}
        </p>
      )}
      <div className="run-row">
        <button className="primary" data-testid="explain-run" disabled={!!blocker || x.explain.status === 'running'} title={blocker ?? undefined} onClick={() => void runExplain()}>
          {x.explain.status === 'running' ? 'Explaining…' : 'Explain'}
        </button>
        {r && (
          <button data-testid="explain-export" onClick={() => downloadText(exportName('explain', r.modelId, 'json'), JSON.stringify({ paths: x.paths, explain: r }, null, 2), 'application/json')}>
            JSON
          </button>
        )}
      </div>
      <RunProgress run={x.explain} onCancel={() => void cancelExplain()} testId="explain-progress" />
      {x.explain.status === 'cancelled' && <p className="muted small">Cancelled.</p>}
      {x.explain.status === 'error' && x.explain.error && <ErrorLine error={x.explain.error} testId="explain-error" />}
      {r && (
        <div className="explain-result" data-testid="explain-result" data-proportion={r.proportionExplained}>
          <div className="big-number" data-testid="explain-proportion">
            {formatShare(r.proportionExplained)}
          </div>
          <div className="muted small">
            explained · ATE {formatMetric(r.ate)} · AUE {formatMetric(r.aue)} · {r.provider} · {formatElapsed(r.elapsedMs)}
          </div>
          <table className="grid small">
            <thead>
              <tr>
                <th className="num">pair</th>
                <th className="num">clean</th>
                <th className="num">corrupt</th>
                <th className="num">patched</th>
              </tr>
            </thead>
            <tbody>
              {r.perPair.slice(0, PAIRS_SHOWN).map((p, i) => (
                <tr key={i}>
                  <td className="num">{i + 1}</td>
                  <td className="num">{formatMetric(p.clean)}</td>
                  <td className="num">{formatMetric(p.corrupt)}</td>
                  <td className="num">{formatMetric(p.patched)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {r.perPair.length > PAIRS_SHOWN && <p className="muted small">… and {r.perPair.length - PAIRS_SHOWN} more pairs (in the JSON export)</p>}
        </div>
      )}
    </section>
  );
}
