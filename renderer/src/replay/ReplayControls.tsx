import { useStore } from '../store/store';
import { closeReplay, setSpeed, togglePlay } from './replayActions';
import { SPEEDS } from './replaySlice';
import { formatTime } from './timeline';

/** The replay's top bar: back, what is replayed, whether its log verified, play/pause, speed and time. */
export function ReplayControls() {
  const info = useStore((s) => s.replay?.info);
  const attemptId = useStore((s) => s.replay?.attemptId);
  const t = useStore((s) => s.replay?.t ?? 0);
  const playing = useStore((s) => s.replay?.playing ?? false);
  const speed = useStore((s) => s.replay?.speed ?? 1);
  const error = useStore((s) => (s.replay?.status === 'ready' ? s.replay.error : undefined));
  return (
    <header className="topbar replay-bar">
      <button onClick={closeReplay} data-testid="replay-back" title="Back to the attempts">
        ←
      </button>
      <span className="brand">Replay</span>
      <span className="replay-title" title={attemptId}>
        {info?.envId ? `${info.envId} · ` : ''}
        <code>{attemptId}</code>
      </span>
      {info && (
        <span
          className={`badge ${info.verify.ok ? 'ok' : 'bad'}`}
          data-testid="replay-verify"
          data-ok={String(info.verify.ok)}
          title={info.verify.message}
        >
          {`${info.bundle ? 'bundle' : 'log'} ${info.verify.ok ? 'verified' : 'NOT verified'}`}
        </span>
      )}
      {error && (
        <span className="warn-text small" title={error.message}>
          {error.code}
        </span>
      )}
      <span className="spacer" />
      <button className="primary replay-play" data-testid="replay-play" disabled={!info} onClick={togglePlay} title="Play or pause (space)">
        {playing ? '❚❚ Pause' : '▶ Play'}
      </button>
      <label className="replay-speed">
        <span className="muted small">speed</span>
        <select data-testid="replay-speed" value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
      </label>
      <span className="clock replay-time" data-testid="replay-time" data-t={Math.round(t)}>
        {formatTime(t)} <span className="muted small">/ {formatTime(info?.durationMs ?? 0)}</span>
      </span>
    </header>
  );
}
