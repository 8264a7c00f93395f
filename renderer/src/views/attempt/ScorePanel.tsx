import { useStore } from '../../store/store';
import { ScoreChart } from './ScoreChart';
import { ScoreTable } from './ScoreTable';

export function ScorePanel() {
  const visible = useStore((s) => s.attempt?.scoreVisible ?? true);
  const baseline = useStore((s) => s.attempt?.baseline);
  return (
    <div className="score-panel">
      <div className="pane-title">Scores</div>
      {!visible && <p className="muted pad small">This environment hides intermediate scores: each try is recorded and judged at the end.</p>}
      {visible && <ScoreChart />}
      <ScoreTable />
      {baseline && (
        <p className="muted small pad" title="Normalized = (score − start) / (reference − start), clipped at 0">
          start {baseline.start.toPrecision(4)} → 0, reference {baseline.reference.toPrecision(4)} → 1 ({baseline.source})
        </p>
      )}
    </div>
  );
}
