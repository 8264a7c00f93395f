/** Time shown to the expert: the attempt clock and score-log times. */

/** `H:MM:SS`, never negative; hours are not capped (a week-long limit shows 168:00:00). */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

export interface ClockSnapshot {
  elapsedMs: number;
  timeLimitMs: number;
  clockRunning: boolean;
}

/**
 * Attempt time used at `nowMs`, extrapolated from a snapshot taken at `snapshotMs` (both on the renderer's own
 * clock). We count from when the snapshot arrived rather than from the host's asOfWall, so a host on another
 * machine (an SSH tunnel to a GPU server) with a skewed wall clock cannot shift the display.
 */
export function elapsedAt(snap: ClockSnapshot, snapshotMs: number, nowMs: number): number {
  const extra = snap.clockRunning ? Math.max(0, nowMs - snapshotMs) : 0;
  return Math.min(snap.timeLimitMs, snap.elapsedMs + extra);
}

export function remainingAt(snap: ClockSnapshot, snapshotMs: number, nowMs: number): number {
  return Math.max(0, snap.timeLimitMs - elapsedAt(snap, snapshotMs, nowMs));
}

/** Below this the clock turns red: the same threshold as the host's last warning. */
export const CLOCK_URGENT_MS = 5 * 60 * 1000;

/** Minutes as the env cards show them: 90 → "1 h 30 min", 480 → "8 h". */
export function formatMinutes(min: number): string {
  const h = Math.floor(min / 60);
  const m = Math.round(min % 60);
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}
