import type { ClockSnapshot } from '../lib/time';

/**
 * Attempt time at a renderer wall time, from the last AttemptInfo snapshot (received at `snapshotMs`). Unlike the
 * clock display this also reaches back before the snapshot (an idle span that began earlier). Approximate across a
 * pause it did not see; the host stamps every record's own t.
 */
export function attemptTimeAt(snap: ClockSnapshot, snapshotMs: number, wallMs: number): number {
  const t = snap.elapsedMs + (snap.clockRunning ? wallMs - snapshotMs : 0);
  return Math.max(0, Math.min(snap.timeLimitMs, t));
}
