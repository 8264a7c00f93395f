/**
 * Notices idle spans: no keyboard or mouse input for IDLE_AFTER_MS or more. The span is reported when input comes
 * back, so an open span is never recorded with a guessed end. Pure: the caller feeds it input times.
 */

/** Thinking for a minute is normal; a minute without touching anything is worth a marker on the timeline. */
export const IDLE_AFTER_MS = 60_000;

export class IdleTracker {
  private lastInput: number;

  constructor(
    now: number,
    private readonly report: (fromMs: number, toMs: number) => void,
    private readonly idleAfterMs = IDLE_AFTER_MS,
  ) {
    this.lastInput = now;
  }

  /** Any input at `now` (renderer clock, ms). Cheap: called on every key and mouse move. */
  input(now: number): void {
    if (now - this.lastInput >= this.idleAfterMs) this.report(this.lastInput, now);
    this.lastInput = now;
  }

  /** Starts afresh without reporting (the attempt was paused, or recording just began). */
  reset(now: number): void {
    this.lastInput = now;
  }
}
