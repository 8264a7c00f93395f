import { useEffect, useState } from 'react';
import { useStore } from '../../store/store';
import { CLOCK_URGENT_MS, elapsedAt, formatClock, remainingAt } from '../../lib/time';

/** Four ticks a second: the seconds digit never visibly lags. */
const TICK_MS = 250;

export function Clock() {
  const attempt = useStore((s) => s.attempt)!;
  const receivedAt = useStore((s) => s.attemptReceivedAt);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!attempt.clockRunning) return;
    const t = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(t);
  }, [attempt.clockRunning]);
  const remaining = remainingAt(attempt, receivedAt, Math.max(now, receivedAt));
  const elapsed = elapsedAt(attempt, receivedAt, Math.max(now, receivedAt));
  const urgent = remaining < CLOCK_URGENT_MS && (attempt.state === 'running' || attempt.state === 'paused');
  return (
    <div
      className={`clock${urgent ? ' urgent' : ''}${attempt.clockRunning ? '' : ' stopped'}`}
      data-testid="clock"
      data-remaining-ms={Math.round(remaining)}
      title={`Used ${formatClock(elapsed)} of ${formatClock(attempt.timeLimitMs)}`}
    >
      {formatClock(remaining)}
      {attempt.state === 'paused' && <span className="clock-note">paused</span>}
    </div>
  );
}
