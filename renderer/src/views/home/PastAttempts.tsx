import { useStore } from '../../store/store';
import { openAttemptView } from '../../actions/attempt';
import { openReplayView } from '../../replay/replayActions';
import { formatNormalized, formatRaw } from '../../lib/numbers';
import { AgentBadge } from '../attempt/agent/AgentWatch';

export function PastAttempts() {
  const attempts = useStore((s) => s.attempts);
  const envs = useStore((s) => s.envs);
  if (!attempts || attempts.length === 0) return null;
  const title = (envId: string) => envs?.find((e) => e.id === envId)?.title ?? envId;
  return (
    <section className="past">
      <h2>Attempts</h2>
      <table className="grid" data-testid="attempt-list">
        <thead>
          <tr>
            <th>Environment</th>
            <th>Started</th>
            <th>State</th>
            <th className="num">Final</th>
            <th className="num">Normalized</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {attempts.map((a) => (
            <tr key={a.id} className="clickable" data-testid={`attempt-row-${a.id}`} onClick={() => void openAttemptView(a.id)} tabIndex={0} onKeyDown={(e) => e.key === 'Enter' && void openAttemptView(a.id)}>
              <td>
                {title(a.envId)} {a.agent && <AgentBadge agent={a.agent} />}
              </td>
              <td>{new Date(a.createdAt).toLocaleString()}</td>
              <td>
                <span className={`state state-${a.state}`}>{a.state}</span>
              </td>
              <td className="num">{formatRaw(a.finalScore)}</td>
              <td className="num">{formatNormalized(a.normalizedScore)}</td>
              <td>
                {a.state !== 'ready' && (
                  <button
                    className="link"
                    data-testid={`replay-${a.id}`}
                    title="Replay the recorded trajectory"
                    onKeyDown={(e) => e.stopPropagation()}
                    onClick={(e) => {
                      e.stopPropagation();
                      void openReplayView(a.id);
                    }}
                  >
                    Replay
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
