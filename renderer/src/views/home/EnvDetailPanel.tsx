import { useState } from 'react';
import type { EnvSummary } from '../../../../main/common/api';
import { useStore } from '../../store/store';
import { runPreflight, selectVariant, startAttempt } from '../../actions/home';
import { Spinner } from '../../components/Spinner';
import { PreflightChecks } from './PreflightChecks';
import { RecordingPolicyPanel } from './RecordingPolicyPanel';
import { formatMinutes } from '../../lib/time';

/** Rendered with key={env.id}: consent is given per environment and never carried over to another. */
export function EnvDetailPanel({ env }: { env: EnvSummary }) {
  const [consent, setConsent] = useState(false);
  const [ticket, setTicket] = useState('');
  const report = useStore((s) => s.preflight[env.id]);
  const loading = useStore((s) => s.preflightLoading[env.id] ?? false);
  const starting = useStore((s) => s.starting);
  const ready = report?.ready ?? false;
  const variant = useStore((s) => s.selectedVariant[env.id]) ?? env.defaultVariant;
  const details = env.variantDetails?.find((v) => v.name === variant);
  return (
    <div className="env-detail">
      <h2>{env.title}</h2>
      <p className="muted variant-row">
        Time limit {formatMinutes(details?.timeLimitMinutes ?? env.timeLimitMinutes)} · variant{' '}
        {env.variants.length > 1 ? (
          <select data-testid="variant-select" value={variant} onChange={(e) => void selectVariant(env.id, e.target.value)}>
            {env.variants.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        ) : (
          variant
        )}
        {details?.description ? <span> · {details.description}</span> : null}
      </p>
      <div className="env-detail-grid">
        <div>
          <div className="preflight-head">
            <h3>Preflight</h3>
            {loading ? (
              <Spinner label="checking" />
            ) : report ? (
              <span className={`badge ${ready ? 'ok' : 'bad'}`} data-testid="preflight-status">
                {ready ? 'READY' : 'NOT READY'}
              </span>
            ) : null}
            <button className="link" onClick={() => void runPreflight(env.id)} disabled={loading}>
              Check again
            </button>
          </div>
          {report && <PreflightChecks report={report} />}
        </div>
        <RecordingPolicyPanel envId={env.id} consent={consent} onConsent={setConsent} />
      </div>
      <label className="ticket-row">
        <span>Ticket</span>
        <input
          data-testid="ticket-path"
          type="text"
          placeholder="path to the organizer's ticket.json (empty: a practice attempt)"
          value={ticket}
          onChange={(e) => setTicket(e.target.value)}
        />
      </label>
      <div className="start-row">
        <button
          className="primary big"
          data-testid="start-attempt"
          disabled={starting || !!env.error || !report || !consent}
          title={
            !consent
              ? 'Read what is recorded and tick “I understand what is recorded” first.'
              : report && !ready
                ? 'This machine does not meet the environment’s needs; scores may not be comparable.'
                : 'Start the clock'
          }
          onClick={() => void startAttempt(env.id, ticket)}
        >
          {starting ? <Spinner label="starting" /> : null} Start attempt
        </button>
        {report && !ready && (
          <span className="warn-text">
            Not ready: a start is refused while GPUs, Python packages or the organizer's assets listed above are missing.
          </span>
        )}
      </div>
    </div>
  );
}
