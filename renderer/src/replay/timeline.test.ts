import { describe, expect, it } from 'vitest';
import { axisTicks, formatTime, fractionOf, isSpan, scoreScale, timeAt } from './timeline';

describe('timeline geometry', () => {
  it('maps attempt time to the scrubber and back', () => {
    expect(fractionOf(30_000, 60_000)).toBe(0.5);
    expect(fractionOf(-5, 60_000)).toBe(0);
    expect(fractionOf(90_000, 60_000)).toBe(1);
    expect(timeAt(0.25, 8 * 3_600_000)).toBe(7_200_000);
    expect(fractionOf(0, 0)).toBe(0);
  });

  it('formats time and picks round ticks', () => {
    expect(formatTime(0)).toBe('0:00');
    expect(formatTime(65_500)).toBe('1:05');
    expect(formatTime(8 * 3_600_000 + 61_000)).toBe('8:01:01');
    expect(axisTicks(8 * 3_600_000)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((h) => h * 3_600_000));
    expect(axisTicks(60_000)).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
  });

  it('draws spans as bars and scores on a normalized scale when there is one', () => {
    expect(isSpan({ t: 0, kind: 'idle', label: '', endT: 5 })).toBe(true);
    expect(isSpan({ t: 0, kind: 'score', label: '' })).toBe(false);
    const s = scoreScale([
      { t: 1, score: 5, normalized: 0 },
      { t: 2, score: 4, normalized: 1 },
      { t: 3, score: null, normalized: null },
    ]);
    expect(s.mode).toBe('normalized');
    expect(s.y(0)).toBe(0);
    expect(s.y(1)).toBeCloseTo(1 / 1.2);
    const raw = scoreScale([
      { t: 1, score: 5, normalized: null },
      { t: 2, score: 3, normalized: null },
    ]);
    expect(raw.mode).toBe('raw');
    expect([raw.y(3), raw.y(5)]).toEqual([0, 1]);
  });
});
