import { useEffect } from 'react';
import { isActive } from '../../../../main/common/attempt';
import { useStore } from '../../store/store';
import { refreshAttempt } from '../../actions/attempt';
import { AttemptHeader } from './AttemptHeader';
import { FileTree } from './FileTree';
import { EditorArea } from './EditorArea';
import { TerminalArea } from './TerminalArea';
import { ScorePanel } from './ScorePanel';
import { FinalResult } from './FinalResult';
import { PausedOverlay } from './PausedOverlay';
import { VerticalSplit } from '../../components/VerticalSplit';
import { NotesBox } from './NotesBox';
import { LiveRecordPanel } from './LiveRecordPanel';
import { AgentWatch } from './agent/AgentWatch';

/** While live, re-read the attempt now and then: the clock display extrapolates, this keeps it honest. */
const RESYNC_MS = 30_000;

export function AttemptView() {
  const attempt = useStore((s) => s.attempt);
  const live = attempt ? isActive(attempt.state) : false;
  useEffect(() => {
    if (!live) return;
    const t = setInterval(() => void refreshAttempt(), RESYNC_MS);
    return () => clearInterval(t);
  }, [live]);
  if (!attempt) return <div className="attempt loading">Loading attempt…</div>;
  const done = !isActive(attempt.state) && attempt.state !== 'ready';
  return (
    <div className="attempt" data-testid="attempt-view">
      <AttemptHeader />
      <div className="attempt-body">
        <aside className="pane left">
          <FileTree />
        </aside>
        <section className="pane center">
          {/* An agent's attempt is watched, not worked: its terminal and tool calls instead of the editor. */}
          {attempt.agent ? <AgentWatch attempt={attempt} /> : <VerticalSplit top={<EditorArea />} bottom={<TerminalArea />} initial={0.58} />}
          {attempt.state === 'paused' && <PausedOverlay />}
        </section>
        <aside className="pane right">
          {done && <FinalResult />}
          <ScorePanel />
          {!attempt.agent && <NotesBox attemptId={attempt.id} live={live} />}
          <LiveRecordPanel attemptId={attempt.id} />
        </aside>
      </div>
    </div>
  );
}
