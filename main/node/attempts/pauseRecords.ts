import type { PauseRecord } from '../../common/attempt';
import type { AttemptClock } from './AttemptClock';

export type PauseEnd = NonNullable<PauseRecord['endedBy']>;

/** The pause still open (the last one, if it has no end). */
export function openPause(pauses: PauseRecord[]): PauseRecord | undefined {
  const last = pauses[pauses.length - 1];
  return last && last.endedWall === undefined ? last : undefined;
}

/**
 * Closes the open pause. Its length is pause-clock time (monotonic), the part of the total pause time used that
 * the closed pauses do not account for. Attempt time does not move during a pause, so it ends where it started.
 */
export function closePause(pauses: PauseRecord[], clock: AttemptClock, endedBy: PauseEnd, endedWallMs: number): void {
  const open = openPause(pauses);
  if (!open) return;
  const closedMs = pauses.reduce((sum, p) => sum + (p === open ? 0 : (p.durationMs ?? 0)), 0);
  open.endedAtMs = open.startedAtMs;
  open.endedWall = new Date(endedWallMs).toISOString();
  open.durationMs = Math.max(0, Math.round(clock.pauseUsedMs() - closedMs));
  open.endedBy = endedBy;
}
