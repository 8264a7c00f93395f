import { useStore } from '../../store/store';
import { loadRecordingPolicy } from '../../actions/home';

/**
 * The privacy notice before Start: what the attempt records, what it never does, and which secrets are replaced
 * before anything is written. Start waits for the expert to say they understood it.
 */
export function RecordingPolicyPanel({ envId, consent, onConsent }: { envId: string; consent: boolean; onConsent(v: boolean): void }) {
  const policy = useStore((s) => s.policies[envId]);
  return (
    <section className="recording-policy" data-testid="recording-policy">
      <h3>What this attempt records</h3>
      {!policy && <p className="muted">Loading…</p>}
      {policy && 'error' in policy && (
        <p className="warn-text" data-testid="recording-policy-error">
          Could not load the recording policy: {policy.error.message} <code>{policy.error.code}</code>{' '}
          <button className="link" onClick={() => void loadRecordingPolicy(envId)}>
            Try again
          </button>
        </p>
      )}
      {policy && !('error' in policy) && (
        <>
          <ul className="policy-list" data-testid="policy-recorded">
            {policy.recorded.map((r) => (
              <li key={r.what}>
                <strong>{r.what}</strong> <span className="muted">{r.detail}</span>
              </li>
            ))}
          </ul>
          <h4>Never recorded</h4>
          <ul className="policy-list not" data-testid="policy-not-recorded">
            {policy.notRecorded.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
          <p className="small" data-testid="policy-secrets">
            {policy.secrets.length === 0 ? (
              'This environment hands out no secrets.'
            ) : (
              <>
                Secrets this environment hands out are replaced by a salted digest before a record is written:{' '}
                {policy.secrets.map((name, i) => (
                  <span key={name}>
                    {i > 0 && ', '}
                    <code>{name}</code>
                  </span>
                ))}
                .
              </>
            )}
          </p>
          <p className="muted small">During the attempt, the Live record panel shows each record as it is written.</p>
        </>
      )}
      <label className="consent">
        <input type="checkbox" data-testid="consent" checked={consent} onChange={(e) => onConsent(e.target.checked)} /> I understand what is recorded
      </label>
    </section>
  );
}
