import { useStore } from '../store/store';

/** Shown while the browser-mode socket is down; Electron IPC never is. */
export function ConnectionBanner() {
  const connection = useStore((s) => s.connection);
  if (connection.status === 'open') return null;
  const text =
    connection.status === 'reconnecting'
      ? 'Disconnected — reconnecting…'
      : connection.failures >= 3
        ? 'Cannot reach the redesk host. Is `redesk serve` still running, and does this URL carry the token it printed?'
        : 'Connecting…';
  return (
    <div className="banner" role="status" data-testid="connection-banner">
      {text}
    </div>
  );
}
