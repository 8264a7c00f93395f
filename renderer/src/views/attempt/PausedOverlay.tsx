import { useStore } from '../../store/store';
import { resume } from '../../actions/attempt';

export function PausedOverlay() {
  const reason = useStore((s) => s.attempt?.pauses[s.attempt.pauses.length - 1]?.reason);
  return (
    <div className="paused-overlay" data-testid="paused-overlay">
      <div>
        <h2>Paused</h2>
        {reason && <p className="muted">{reason}</p>}
        <button className="primary" onClick={() => void resume()}>
          Resume
        </button>
      </div>
    </div>
  );
}
