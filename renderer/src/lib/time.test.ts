import { describe, expect, it } from 'vitest';
import { elapsedAt, formatClock, formatMinutes, remainingAt } from './time';

describe('formatClock', () => {
  it('shows hours, minutes and seconds', () => {
    expect(formatClock(0)).toBe('0:00:00');
    expect(formatClock(59_999)).toBe('0:00:59');
    expect(formatClock(8 * 3600_000)).toBe('8:00:00');
    expect(formatClock(3600_000 + 61_000)).toBe('1:01:01');
  });
  it('never shows negative time', () => {
    expect(formatClock(-5000)).toBe('0:00:00');
  });
});

describe('clock extrapolation', () => {
  const snap = { elapsedMs: 60_000, timeLimitMs: 600_000, clockRunning: true };
  it('advances from the snapshot while the clock runs', () => {
    expect(elapsedAt(snap, 1000, 3500)).toBe(62_500);
    expect(remainingAt(snap, 1000, 3500)).toBe(537_500);
  });
  it('stands still while paused', () => {
    expect(elapsedAt({ ...snap, clockRunning: false }, 1000, 90_000)).toBe(60_000);
  });
  it('stops at the limit and never goes back before the snapshot', () => {
    expect(remainingAt(snap, 0, 10_000_000)).toBe(0);
    expect(elapsedAt(snap, 5000, 1000)).toBe(60_000);
  });
});

describe('formatMinutes', () => {
  it('reads naturally', () => {
    expect(formatMinutes(30)).toBe('30 min');
    expect(formatMinutes(480)).toBe('8 h');
    expect(formatMinutes(90)).toBe('1 h 30 min');
  });
});
