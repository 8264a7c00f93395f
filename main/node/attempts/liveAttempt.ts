import { canTransition, isActive, type AttemptInfo, type AttemptState, type ScoreRow } from '../../common/attempt';
import { RedeskError } from '../../common/errors';
import type { LoadedEnv } from '../contracts';
import type { AttemptClock, ClockPolicy } from './AttemptClock';
import type { AttemptFile } from './attemptState';
import type { SerialQueue } from './SerialQueue';

/** One attempt in memory. `file` is what is on disk; the clock exists while the attempt is active. */
export interface Live {
  file: AttemptFile;
  clock?: AttemptClock;
  rows: ScoreRow[];
  /** State changes and heartbeats, one at a time. */
  stateQ: SerialQueue;
  /** Scorer runs, one at a time, in request order. */
  scoreQ: SerialQueue;
  env?: Promise<LoadedEnv>;
  finalizing?: Promise<AttemptInfo>;
  /** The clock's last heartbeat (wall) before this process took the attempt up: where a recovery gap begins. */
  lastAliveWallMs?: number;
}

/** Submitted or expired but not yet scored: the final scoring is due (or was cut short by a quit). */
export function isUnfinished(s: AttemptState): boolean {
  return s === 'submitted' || s === 'expired';
}

export function clockPolicy(file: Pick<AttemptFile, 'pausePolicy'>): ClockPolicy {
  const max = file.pausePolicy.maxTotalMs;
  return max === undefined ? {} : { pauseBudgetMs: max };
}

export function requireTransition(file: AttemptFile, to: AttemptState, verb: string): void {
  if (!canTransition(file.state, to)) throw badState(file, verb);
}

export function badState(file: AttemptFile, verb: string): RedeskError {
  const hint =
    file.state === 'paused'
      ? 'Resume it first.'
      : isActive(file.state)
        ? 'Check its state with `redesk attempt status`.'
        : 'The attempt is over; its workspace and score log are kept.';
  return new RedeskError('ATTEMPT_BAD_STATE', `Cannot ${verb} attempt ${file.id}: it is ${file.state}.`, { hint, where: file.id });
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
