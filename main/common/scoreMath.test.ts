import { describe, expect, it } from 'vitest';
import { finalScore, isBetter, normalizeScore } from './scoreMath';

describe('normalizeScore', () => {
  it('maps start to 0 and reference to 1 for a lower-is-better score (log ms)', () => {
    expect(normalizeScore(1.5535, 1.5535, 0.47)).toBeCloseTo(0);
    expect(normalizeScore(0.47, 1.5535, 0.47)).toBeCloseTo(1);
    expect(normalizeScore(0.2, 1.5535, 0.47)).toBeGreaterThan(1);
  });
  it('maps start to 0 and reference to 1 for a higher-is-better score (win rate)', () => {
    expect(normalizeScore(0.54, 0.54, 0.85)).toBeCloseTo(0);
    expect(normalizeScore(0.85, 0.54, 0.85)).toBeCloseTo(1);
  });
  it('clips worse-than-start at 0 and gives null without a score or baseline', () => {
    expect(normalizeScore(3, 1.5535, 0.47)).toBe(0);
    expect(normalizeScore(null, 1, 0)).toBeNull();
    expect(normalizeScore(1, undefined, 0)).toBeNull();
    expect(normalizeScore(Number.NaN, 1, 0)).toBeNull();
  });
});

describe('finalScore', () => {
  const log = [{ score: 3 }, { score: null }, { score: 1 }, { score: 2 }];
  it('takes the best valid score in the direction', () => {
    expect(finalScore(log, { direction: 'min', aggregate: 'best' })).toBe(1);
    expect(finalScore(log, { direction: 'max', aggregate: 'best' })).toBe(3);
  });
  it('takes the last valid score for "last" environments', () => {
    expect(finalScore([...log, { score: null }], { direction: 'max', aggregate: 'last' })).toBe(2);
  });
  it('is null when nothing was valid', () => {
    expect(finalScore([{ score: null }], { direction: 'min', aggregate: 'best' })).toBeNull();
    expect(isBetter(1, 2, 'min')).toBe(true);
    expect(isBetter(1, 2, 'max')).toBe(false);
  });
});
