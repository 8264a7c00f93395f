/**
 * What the clock means for an attempt's state, applied to a draft of state.json: recovery gaps and the pause budget
 * running out (found by a fold), and the deadline (warnings due, expiry). Pure apart from the log line.
 */
import { WARNING_MINUTES } from '../../common/attempt';
import type { Logger } from '../../common/clock';
import type { AttemptClock, FoldResult } from './AttemptClock';
import type { AttemptFile } from './attemptState';
import { iso } from './liveAttempt';
import { closePause } from './pauseRecords';

/** Records what a fold found: a recovery gap, or the pause budget running out (the attempt resumed by itself). */
export function applyFold(draft: AttemptFile, clock: AttemptClock, fold: FoldResult, logger: Logger): boolean {
  let changed = false;
  if (fold.recovery) {
    draft.recoveries.push(fold.recovery);
    logger.warn(`attempt ${draft.id}: ${fold.recovery.gapWallMs} ms while no process held it (${fold.recovery.reason}) were not counted`);
    changed = true;
  }
  if (fold.autoResumed && draft.state === 'paused') {
    closePause(draft.pauses, clock, 'budget', fold.autoResumed.wallMs);
    draft.state = 'running';
    changed = true;
  }
  return changed;
}

/**
 * Warnings that fell due (each sent once: remembered in the draft) and expiry: at the limit the clock stops and
 * the attempt is submitted as it stands. Returns whether the draft changed and which warnings are due now.
 */
export function applyDeadline(draft: AttemptFile, clock: AttemptClock, wallMs: number): { changed: boolean; due: number[] } {
  let changed = false;
  const remaining = draft.timeLimitMs - clock.elapsedMs();
  const due = WARNING_MINUTES.filter((m) => !draft.warningsSent.includes(m) && remaining <= m * 60_000);
  if (due.length) {
    draft.warningsSent.push(...due);
    changed = true;
  }
  if (remaining <= 0) {
    clock.stop(draft.timeLimitMs);
    closePause(draft.pauses, clock, 'expiry', wallMs);
    draft.state = 'expired';
    draft.submittedAt = iso(wallMs);
    draft.expiredLateByMs = -remaining;
    changed = true;
  }
  return { changed, due };
}
