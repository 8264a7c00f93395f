import { useSyncExternalStore } from 'react';
import { recordingFor } from '../../recording/session';

/**
 * Whether the record is on disk: "Saved" only when the host has made everything durable and the renderer holds
 * nothing unsent. Reads the recording session, not the store: its queue changes with every keystroke.
 */
export function SavedIndicator({ attemptId }: { attemptId: string }) {
  const session = recordingFor(attemptId);
  const view = useSyncExternalStore(session.subscribe, () => session.savedView);
  return (
    <span className={`saved-indicator saved-${view.state}`} data-testid="saved-indicator" data-state={view.state} title={view.title} role="status">
      <span className="saved-dot" aria-hidden="true" />
      {view.text}
      {view.code && <code data-testid="saved-indicator-code">{view.code}</code>}
    </span>
  );
}
