import type { ReviewRow } from '../../../main/common/review';
import { formatNormalized, formatRaw } from '../lib/numbers';
import { useStore } from '../store/store';
import { invalidate, leaveReview, makeJudgeKey, openReview, recordScore, restore, reveal, setDraft, setJudge } from './reviewActions';

/**
 * Blind review of the loaded folder: each bundle under a salted id, manual scores and invalidations recorded as
 * signed lines of the folder's review.jsonl (this host's organizer key, the judge's name), and the reveal.
 */
export function ReviewPanel() {
  const r = useStore((s) => s.bundles.review);
  const v = r.view;
  return (
    <section className="bundles-review" data-testid="review-panel">
      <h3>
        Blind review{' '}
        {r.status !== 'idle' && (
          <button className="link" data-testid="review-leave" onClick={leaveReview}>
            leave
          </button>
        )}
      </h3>
      {r.status !== 'ready' && (
        <p>
          <button data-testid="review-open" disabled={r.status === 'loading'} onClick={() => void openReview()}>
            {r.status === 'loading' ? 'Verifying…' : 'Review this folder blind'}
          </button>{' '}
          <span className="muted small">Bundles get salted ids; who made each stays hidden until a judge records the reveal.</span>
        </p>
      )}
      {r.error && (
        <p className="warn-text" data-testid="review-error">
          {r.error.message} <span className="muted">({r.error.code})</span>
        </p>
      )}
      {v && r.status === 'ready' && (
        <>
          <div className="review-judge">
            <label>
              Judge{' '}
              <input data-testid="review-judge" value={r.judge} placeholder="your name" spellCheck={false} onChange={(e) => setJudge(e.target.value)} />
            </label>
            {v.judgeKey ? (
              <span className="muted small" data-testid="review-key">
                records signed with {v.judgeKey}
              </span>
            ) : (
              <>
                <span className="warn-text small" data-testid="review-key">
                  This host has no organizer key to sign records with.
                </span>
                <button data-testid="review-make-key" disabled={r.busy === 'key'} onClick={() => void makeJudgeKey()}>
                  Make a judge key
                </button>
              </>
            )}
          </div>
          <p className="muted small" data-testid="review-status">
            {v.rows.length} bundle(s) ·{' '}
            {v.blind ? 'blind' : `revealed by ${v.reveals.map((x) => `${x.judge} at ${new Date(x.t).toLocaleString()}`).join(', ')}`}
            {v.invalidLines.length > 0 ? ` · ${v.invalidLines.length} line(s) of review.jsonl ignored (${v.invalidLines[0]!.code})` : ''}
          </p>
          <table className="grid review-table">
            <thead>
              <tr>
                <th>Bundle</th>
                <th>Verification</th>
                <th>Environment</th>
                <th className="num">Final</th>
                <th className="num">Normalized</th>
                <th className="num">Manual</th>
                <th>Standing</th>
                <th>Score · reason</th>
                {!v.blind && <th>Who</th>}
              </tr>
            </thead>
            <tbody>
              {v.rows.map((row) => (
                <Row key={row.blindId} row={row} revealed={!v.blind} />
              ))}
            </tbody>
          </table>
          {v.blind && (
            <p>
              <button data-testid="review-reveal" disabled={!!r.busy} onClick={() => void reveal()}>
                Reveal who made each bundle…
              </button>
            </p>
          )}
        </>
      )}
    </section>
  );
}

function Row({ row, revealed }: { row: ReviewRow; revealed: boolean }) {
  const busy = useStore((s) => s.bundles.review.busy);
  const draft = useStore((s) => s.bundles.review.drafts[row.blindId]) ?? { score: '', reason: '' };
  const id = row.blindId;
  const inv = row.review.invalidated;
  const canReview = !!row.bundle;
  return (
    <tr data-testid={`review-row-${id}`}>
      <td className="mono">{id}</td>
      <td title={row.message}>{row.ok ? <span className="badge ok">ok</span> : <span className="badge bad">{row.code}</span>}</td>
      <td>{row.envId ?? '—'}</td>
      <td className="num">{formatRaw(row.final)}</td>
      <td className="num">{formatNormalized(row.normalized)}</td>
      <td className="num" data-testid={`review-manual-${id}`} title={row.review.scores.map((s) => `${s.judge}: ${s.value}${s.reason ? ` (${s.reason})` : ''}`).join('\n')}>
        {row.review.manualMean === null ? '—' : `${formatRaw(row.review.manualMean)} (${row.review.scores.map((s) => s.judge).join(', ')})`}
      </td>
      <td data-testid={`review-standing-${id}`}>
        {inv ? (
          <>
            <span className="badge bad">invalidated</span> <span className="small">{inv.reason}</span> <span className="muted small">({inv.judge})</span>
          </>
        ) : (
          <span className="muted">counts</span>
        )}
      </td>
      <td className="review-inputs">
        {canReview && (
          <>
            <input className="review-score" data-testid={`review-score-input-${id}`} inputMode="decimal" placeholder="score" value={draft.score} onChange={(e) => setDraft(id, 'score', e.target.value)} />
            <button data-testid={`review-score-${id}`} disabled={busy === id} onClick={() => void recordScore(id)}>
              Score
            </button>
            <input className="review-reason" data-testid={`review-reason-${id}`} placeholder="reason" value={draft.reason} onChange={(e) => setDraft(id, 'reason', e.target.value)} />
            {inv ? (
              <button data-testid={`review-restore-${id}`} disabled={busy === id} onClick={() => void restore(id)}>
                Restore
              </button>
            ) : (
              <button data-testid={`review-invalidate-${id}`} disabled={busy === id} onClick={() => void invalidate(id)}>
                Invalidate
              </button>
            )}
          </>
        )}
      </td>
      {revealed && (
        <td data-testid={`review-who-${id}`} title={row.identity ? `${row.identity.file}\nexpert key ${row.identity.expert}` : undefined}>
          {row.identity ? `${row.identity.group}${row.identity.agent ? ` (${row.identity.agent})` : ''} · ${row.identity.file.split(/[\\/]/).pop()}` : '—'}
        </td>
      )}
    </tr>
  );
}
