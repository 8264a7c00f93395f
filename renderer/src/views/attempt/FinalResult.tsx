import { useStore } from '../../store/store';
import { formatNormalized, formatRaw } from '../../lib/numbers';
import { Spinner } from '../../components/Spinner';

export function FinalResult() {
  const attempt = useStore((s) => s.attempt)!;
  const submitting = useStore((s) => s.submitting);
  // The host re-scores the submission after answering submit; until it is done, a number shown would change.
  const pending = (attempt.state === 'submitted' || attempt.state === 'expired') && submitting;
  return (
    <div className="final-result" data-testid="final-result">
      <div className="pane-title">{attempt.state === 'expired' ? 'Time is up: submitted as it stood' : 'Final result'}</div>
      {pending ? (
        <p className="pad">
          <Spinner label="scoring" /> Scoring the submission…
        </p>
      ) : (
        <div className="final-numbers">
          <div>
            <div className="muted small">Final score</div>
            <div className="big-number" data-testid="final-score">
              {formatRaw(attempt.finalScore)}
            </div>
          </div>
          <div>
            <div className="muted small">Normalized</div>
            <div className="big-number" data-testid="final-normalized">
              {formatNormalized(attempt.normalizedScore)}
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
