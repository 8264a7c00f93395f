import { isActive } from '../../../../main/common/attempt';
import { useStore } from '../../store/store';
import { goHome } from '../../actions/home';
import { Clock } from './Clock';
import { PauseControls } from './PauseControls';
import { ScoreButton } from './ScoreButton';
import { SubmitButton } from './SubmitButton';
import { SavedIndicator } from './SavedIndicator';
import { AgentBadge } from './agent/AgentWatch';

export function AttemptHeader() {
  const attempt = useStore((s) => s.attempt)!;
  // An agent's attempt is driven by the agent: the watcher does not score, pause or submit for it.
  const live = isActive(attempt.state) && !attempt.agent;
  return (
    <header className="topbar attempt-header">
      <button className="ghost" data-testid="go-home" onClick={goHome} title="Back to environments (the attempt keeps running)">
        ← redesk
      </button>
      <div className="attempt-title">
        <span className="env-name">{attempt.envTitle}</span>
        <span className={`state state-${attempt.state}`} data-testid="attempt-state">
          {attempt.state}
        </span>
        {attempt.agent && <AgentBadge agent={attempt.agent} />}
        {attempt.practice ? <span className="muted small">practice</span> : <span className="muted small" data-testid="ticket-id" title="runs under an organizer's ticket">ticket {attempt.ticketId}</span>}
      </div>
      <div className="spacer" />
      <SavedIndicator attemptId={attempt.id} />
      <Clock />
      {live && <PauseControls />}
      {live && <ScoreButton />}
      {live && <SubmitButton />}
    </header>
  );
}
