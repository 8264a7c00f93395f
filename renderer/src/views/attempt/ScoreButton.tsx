import { useStore } from '../../store/store';
import { score } from '../../actions/attempt';
import { Spinner } from '../../components/Spinner';
import { SHORTCUTS } from '../../actions/shortcuts';

export function ScoreButton() {
  const scoring = useStore((s) => s.scoring);
  const paused = useStore((s) => s.attempt?.state === 'paused');
  return (
    <button
      className="primary"
      data-testid="score-button"
      disabled={scoring || paused}
      aria-busy={scoring}
      title={`Score the workspace as saved on disk (${SHORTCUTS.score})`}
      onClick={() => void score()}
    >
      {scoring ? <Spinner label="scoring" /> : null}
      {scoring ? 'Scoring…' : 'Score'}
    </button>
  );
}
