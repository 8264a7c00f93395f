import { useCallback, useState } from 'react';
import { useStore } from '../../store/store';
import { pause, resume } from '../../actions/attempt';
import { Dialog } from '../../components/Dialog';
import { formatClock } from '../../lib/time';

export function PauseControls() {
  const attempt = useStore((s) => s.attempt)!;
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const close = useCallback(() => setAsking(false), []);
  if (!attempt.pause.allowed) return null;
  if (attempt.state === 'paused') {
    return (
      <button data-testid="resume-button" onClick={() => void resume()}>
        Resume
      </button>
    );
  }
  const left = attempt.pause.maxTotalMs !== undefined ? attempt.pause.maxTotalMs - attempt.pause.usedMs : undefined;
  const exhausted = left !== undefined && left <= 0;
  const confirm = () => {
    if (!reason.trim()) return;
    setAsking(false);
    void pause(reason.trim());
    setReason('');
  };
  return (
    <>
      <button
        data-testid="pause-button"
        disabled={exhausted}
        title={left === undefined ? 'Pause the clock' : `Pause the clock (${formatClock(left)} of pause left)`}
        onClick={() => setAsking(true)}
      >
        Pause
      </button>
      {asking && (
        <Dialog
          title="Pause the attempt"
          testId="pause-dialog"
          onClose={close}
          actions={
            <>
              <button onClick={close}>Cancel</button>
              <button className="primary" data-testid="pause-confirm" disabled={!reason.trim()} onClick={confirm}>
                Pause
              </button>
            </>
          }
        >
          <p>The clock stops and the editor and terminals are covered until you resume. The reason is recorded.</p>
          <input
            data-testid="pause-reason"
            className="text"
            placeholder="Reason (e.g. lunch, power cut)"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && confirm()}
          />
        </Dialog>
      )}
    </>
  );
}
