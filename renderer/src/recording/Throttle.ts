/**
 * Runs a function at most once per interval: at once when the last run is old enough, otherwise once at the end of
 * the interval (so the final state, where the cursor came to rest, is always recorded). The function reads the
 * current state when it runs, so a burst of calls costs one run.
 */
export class Throttle {
  private last = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly fn: () => void,
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  call(): void {
    if (this.timer !== undefined) return;
    const wait = this.last + this.intervalMs - this.now();
    if (wait <= 0) this.run();
    else this.timer = setTimeout(() => this.run(), wait);
  }

  /** Runs a pending call now (before a record that must follow it, such as a model switch). */
  flush(): void {
    if (this.timer !== undefined) this.run();
  }

  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    this.cancel();
    this.last = this.now();
    this.fn();
  }
}
