import { useEffect } from 'react';
import { useStore } from '../store/store';
import { VerticalSplit } from '../components/VerticalSplit';
import { closeReplay, togglePlay } from './replayActions';
import { ReplayControls } from './ReplayControls';
import { Timeline } from './Timeline';
import { ReplayTerminals } from './ReplayTerminals';
import { ReplayEditor } from './ReplayEditor';
import { ReplaySearch } from './ReplaySearch';
import { KeyOverlay } from './KeyOverlay';
import './replay.css';

/** An attempt's trajectory replayed: timeline and scores on top, terminal and editor at the playhead, search beside. */
export function ReplayView() {
  const status = useStore((s) => s.replay?.status);
  const error = useStore((s) => s.replay?.error);
  const attemptId = useStore((s) => s.replay?.attemptId);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.key === ' ' && !(target && (target.tagName === 'INPUT' || target.closest('.monaco-editor')))) {
        e.preventDefault();
        togglePlay();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="replay" data-testid="replay-view">
      <ReplayControls />
      {status === 'opening' && <div className="replay-message muted">Verifying and indexing the trajectory of {attemptId}…</div>}
      {status === 'error' && (
        <div className="replay-message" data-testid="replay-error">
          <p>
            Could not open the replay: {error?.message} <span className="muted">({error?.code})</span>
          </p>
          <button onClick={closeReplay}>Back</button>
        </div>
      )}
      {status === 'ready' && (
        <>
          <Timeline />
          <div className="replay-body">
            <section className="replay-panes">
              <VerticalSplit top={<ReplayTerminals />} bottom={<ReplayEditor />} initial={0.55} />
              <KeyOverlay />
            </section>
            <aside className="replay-side">
              <ReplaySearch />
            </aside>
          </div>
        </>
      )}
    </div>
  );
}
