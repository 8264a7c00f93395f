import { describe, expect, it } from 'vitest';
import { chartScale, tickLabel, timeTicks } from './chartScale';

const box = { width: 200, height: 120, padLeft: 20, padRight: 0, padTop: 10, padBottom: 10 };

describe('chartScale', () => {
  it('maps the whole time limit across the width', () => {
    const s = chartScale([], 1000, box);
    expect(s.x(0)).toBe(20);
    expect(s.x(1000)).toBe(200);
    expect(s.x(500)).toBe(110);
  });
  it('always shows 0 and 1 with headroom, 0 at the bottom', () => {
    const s = chartScale([{ elapsedMs: 0, normalized: 0.3 }], 1000, box);
    expect(s.yMin).toBe(0);
    expect(s.yMax).toBeCloseTo(1.2);
    expect(s.y(0)).toBe(110);
    expect(s.y(s.yMax)).toBe(10);
    expect(s.y(1)).toBeLessThan(s.y(0.5));
  });
  it('grows to fit better-than-reference scores and ignores invalid ones', () => {
    const s = chartScale(
      [
        { elapsedMs: 10, normalized: 2.5 },
        { elapsedMs: 20, normalized: null },
      ],
      1000,
      box,
    );
    expect(s.yMax).toBeGreaterThanOrEqual(2.75);
    expect(s.y(2.5)).toBeGreaterThan(10);
  });
  it('clamps points outside the range to the plot', () => {
    const s = chartScale([], 1000, box);
    expect(s.x(5000)).toBe(200);
    expect(s.y(-3)).toBe(110);
  });
});

describe('timeTicks', () => {
  it('uses whole hours for long attempts', () => {
    expect(timeTicks(8 * 3600_000)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((h) => h * 3600_000));
  });
  it('uses quarters for short ones', () => {
    expect(timeTicks(3600_000)).toEqual([0, 900_000, 1_800_000, 2_700_000, 3_600_000]);
  });
});

describe('tickLabel', () => {
  it('picks a unit that distinguishes the ticks', () => {
    expect(tickLabel(3 * 3600_000, 8 * 3600_000)).toBe('3h');
    expect(tickLabel(45 * 60_000, 3600_000)).toBe('45m');
    expect(tickLabel(18_000, 72_000)).toBe('0:18');
    expect(tickLabel(72_000, 72_000)).toBe('1:12');
  });
});
