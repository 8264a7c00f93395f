import { describe, expect, it } from 'vitest';
import { attemptTimeAt } from './attemptTime';

describe('attemptTimeAt', () => {
  const snap = { elapsedMs: 60_000, timeLimitMs: 3_600_000, clockRunning: true };
  it('extrapolates forward and backward from the snapshot while the clock runs', () => {
    expect(attemptTimeAt(snap, 1_000_000, 1_005_000)).toBe(65_000);
    expect(attemptTimeAt(snap, 1_000_000, 990_000)).toBe(50_000);
    expect(attemptTimeAt(snap, 1_000_000, 0)).toBe(0);
  });
  it('stands still while paused', () => {
    expect(attemptTimeAt({ ...snap, clockRunning: false }, 1_000_000, 1_500_000)).toBe(60_000);
  });
});
