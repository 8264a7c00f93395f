import type { Clock } from '../../common/clock';

/**
 * The clock's persisted fields (state.json "clock"). Attempt time is the sum of running intervals, measured on the
 * monotonic clock (`clock.monoMs()`, counted from boot): the live interval is `monoMs() - anchorMonoMs` while the
 * boot is the same. Pause time is measured the same way, so the pause budget does not depend on the wall clock.
 */
export interface ClockState {
  /** Attempt time folded in so far. */
  accumulatedMs: number;
  /** Pause time folded in so far, over all pauses. */
  pauseUsedMs: number;
  /** Attempt time is advancing. */
  running: boolean;
  /** Pause time is advancing. */
  paused: boolean;
  /** monoMs at the last fold. */
  anchorMonoMs: number;
  /** The boot anchorMonoMs belongs to. */
  bootId: string;
  /**
   * held: a resident host heartbeats; if it dies, the downtime is not counted. free: no resident host (headless
   * CLI); time runs between calls, as an agent's wall time does.
   */
  mode: 'held' | 'free';
  /** Wall clock at the last fold; only to report how long a crash gap was. */
  heartbeatWallMs: number;
}

/** Time that was not counted because the holder died or the machine rebooted. */
export interface Recovery {
  gapWallMs: number;
  atElapsedMs: number;
  wall: string;
  reason: 'holder-died' | 'reboot';
}

export interface FoldResult {
  recovery?: Recovery;
  /** Set when the pause budget ran out: the attempt time at which the clock resumed by itself, and when (wall). */
  autoResumed?: { wallMs: number };
}

export interface ClockPolicy {
  /** Total pause time allowed; when it runs out, attempt time runs again. Undefined: no limit. */
  pauseBudgetMs?: number;
}

/**
 * Pure clock logic over ClockState; the caller persists `state` after each mutation. A wall-clock change never
 * touches attempt time: wallMs is read only for records.
 */
export class AttemptClock {
  private s: ClockState;

  constructor(
    state: ClockState,
    private readonly clock: Clock,
    private readonly policy: ClockPolicy = {},
  ) {
    this.s = { ...state };
  }

  static started(clock: Clock, mode: ClockState['mode'], policy: ClockPolicy = {}): AttemptClock {
    return new AttemptClock(
      {
        accumulatedMs: 0,
        pauseUsedMs: 0,
        running: true,
        paused: false,
        anchorMonoMs: clock.monoMs(),
        bootId: clock.bootId(),
        mode,
        heartbeatWallMs: clock.wallMs(),
      },
      clock,
      policy,
    );
  }

  get state(): ClockState {
    return { ...this.s };
  }

  get running(): boolean {
    return this.project().running;
  }

  get paused(): boolean {
    return this.project().paused;
  }

  /** Attempt time now, without changing anything. */
  elapsedMs(): number {
    return this.project().accumulatedMs;
  }

  pauseUsedMs(): number {
    return this.project().pauseUsedMs;
  }

  /**
   * The heartbeat: folds the live interval into the totals and re-anchors. On another boot the interval since the
   * last fold cannot be measured, so it is not counted and a recovery says so.
   */
  fold(): FoldResult {
    const result: FoldResult = {};
    if (this.s.bootId !== this.clock.bootId() && (this.s.running || this.s.paused)) {
      result.recovery = this.recovery('reboot');
    }
    const p = this.project();
    if (p.overflowMs !== undefined) result.autoResumed = { wallMs: this.clock.wallMs() - p.overflowMs };
    this.s = { ...this.s, accumulatedMs: p.accumulatedMs, pauseUsedMs: p.pauseUsedMs, running: p.running, paused: p.paused };
    this.reanchor();
    return result;
  }

  /**
   * A process takes over this attempt. If a resident host held it, that host died (the caller holds the data-dir
   * lock now), so the time since its last heartbeat is neither counted nor lost beyond one heartbeat. A free clock
   * simply counts on.
   */
  adopt(mode: ClockState['mode']): FoldResult {
    let result: FoldResult;
    if (this.s.mode === 'held' && (this.s.running || this.s.paused)) {
      result = { recovery: this.recovery('holder-died') };
      this.reanchor();
    } else {
      result = this.fold();
    }
    this.s.mode = mode;
    return result;
  }

  pause(): FoldResult {
    const r = this.fold();
    this.s.running = false;
    this.s.paused = true;
    return r;
  }

  resume(): FoldResult {
    const r = this.fold();
    this.s.running = true;
    this.s.paused = false;
    return r;
  }

  /**
   * Raises attempt time to at least `ms`: the trajectory holds records stamped up to there, so the clock reached it
   * even if the heartbeat that would have saved it never ran (a kill between two heartbeats).
   */
  catchUp(ms: number): boolean {
    this.fold();
    if (!(ms > this.s.accumulatedMs)) return false;
    this.s.accumulatedMs = ms;
    return true;
  }

  /** Stops for good (submit, expiry); `capMs` clamps attempt time to the limit when the clock ran past it. */
  stop(capMs?: number): FoldResult {
    const r = this.fold();
    this.s.running = false;
    this.s.paused = false;
    if (capMs !== undefined) this.s.accumulatedMs = Math.min(this.s.accumulatedMs, capMs);
    return r;
  }

  private reanchor(): void {
    this.s.anchorMonoMs = this.clock.monoMs();
    this.s.bootId = this.clock.bootId();
    this.s.heartbeatWallMs = this.clock.wallMs();
  }

  private recovery(reason: Recovery['reason']): Recovery {
    const wall = this.clock.wallMs();
    return { gapWallMs: Math.max(0, wall - this.s.heartbeatWallMs), atElapsedMs: this.s.accumulatedMs, wall: new Date(wall).toISOString(), reason };
  }

  /** The totals as of now; the pause budget running out turns the rest of the interval into attempt time. */
  private project(): { accumulatedMs: number; pauseUsedMs: number; running: boolean; paused: boolean; overflowMs?: number } {
    const { accumulatedMs, pauseUsedMs, running, paused } = this.s;
    // Monotonic time cannot go back within a boot; the max guards a clock source that misbehaves.
    const live = this.s.bootId === this.clock.bootId() ? Math.max(0, this.clock.monoMs() - this.s.anchorMonoMs) : 0;
    if (running) return { accumulatedMs: accumulatedMs + live, pauseUsedMs, running, paused };
    if (!paused) return { accumulatedMs, pauseUsedMs, running, paused };
    const budget = this.policy.pauseBudgetMs;
    if (budget === undefined || pauseUsedMs + live < budget) return { accumulatedMs, pauseUsedMs: pauseUsedMs + live, running, paused };
    const overflowMs = pauseUsedMs + live - budget;
    return { accumulatedMs: accumulatedMs + overflowMs, pauseUsedMs: budget, running: true, paused: false, overflowMs };
  }
}
