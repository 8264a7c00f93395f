import { useStore } from '../../store/store';
import { formatClock } from '../../lib/time';
import { formatNormalized, formatRaw } from '../../lib/numbers';

export function ScoreTable() {
  const scores = useStore((s) => s.attempt?.scores);
  if (!scores) return null;
  return (
    <div className="score-table-wrap">
      <table className="grid score-table" data-testid="score-table">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Time</th>
            <th className="num">Score</th>
            <th className="num">Norm.</th>
            <th>Message</th>
          </tr>
        </thead>
        <tbody>
          {scores.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                No scores yet.
              </td>
            </tr>
          )}
          {[...scores].reverse().map((r) => (
            <tr key={r.n} data-testid={`score-row-${r.n}`} className={r.score === null ? 'invalid' : ''}>
              <td className="num">{r.n}</td>
              <td>{formatClock(r.elapsedMs)}</td>
              <td className="num" data-testid="score-raw">
                {formatRaw(r.score)}
              </td>
              <td className="num" data-testid="score-normalized">
                {formatNormalized(r.normalized)}
              </td>
              <td className="message" title={r.errorCode ? `${r.message} (${r.errorCode})` : r.message}>
                {r.message}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
