import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Throttle } from './Throttle';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('Throttle', () => {
  it('runs the first call at once, then at most once per interval, ending with a trailing run', () => {
    let runs = 0;
    const t = new Throttle(() => runs++, 500, () => Date.now());
    t.call();
    expect(runs).toBe(1);
    // A burst of 50 calls over 1 s: runs at 500 ms and 1000 ms.
    for (let i = 0; i < 50; i++) {
      vi.advanceTimersByTime(20);
      t.call();
    }
    expect(runs).toBe(3);
    // A lone call 100 ms later waits for the end of the interval.
    vi.advanceTimersByTime(100);
    t.call();
    expect(runs).toBe(3);
    vi.advanceTimersByTime(400);
    expect(runs).toBe(4);
    vi.advanceTimersByTime(5000);
    expect(runs).toBe(4);
  });

  it('never runs twice within the interval', () => {
    const at: number[] = [];
    const t = new Throttle(() => at.push(Date.now()), 500, () => Date.now());
    for (let i = 0; i < 300; i++) {
      t.call();
      vi.advanceTimersByTime(17);
    }
    vi.advanceTimersByTime(1000);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(500);
    expect(at.length).toBeGreaterThanOrEqual(10);
  });

  it('flush runs a pending call now; cancel drops it', () => {
    let runs = 0;
    const t = new Throttle(() => runs++, 500, () => Date.now());
    t.call();
    t.call();
    t.flush();
    expect(runs).toBe(2);
    vi.advanceTimersByTime(100);
    t.call();
    t.cancel();
    vi.advanceTimersByTime(1000);
    expect(runs).toBe(2);
  });
});
