import { describe, expect, it } from 'vitest';
import { divergingColor, legendTicks, rgbCss, sequentialColor, symmetricDomain } from './colorScale';

describe('diverging scale', () => {
  it('is centred on 0: 0 is the neutral grey, the signs go to opposite hues', () => {
    const zero = divergingColor(0, 1);
    const pos = divergingColor(1, 1);
    const neg = divergingColor(-1, 1);
    expect(zero).toEqual([38, 42, 51]);
    expect(pos[0]).toBeGreaterThan(pos[2]); // red
    expect(neg[2]).toBeGreaterThan(neg[0]); // blue
  });
  it('grows with |value| and clamps beyond the domain', () => {
    const dist = (c: readonly number[]) => Math.hypot(c[0]! - 38, c[1]! - 42, c[2]! - 51);
    expect(dist(divergingColor(0.1, 1))).toBeLessThan(dist(divergingColor(0.5, 1)));
    expect(dist(divergingColor(0.5, 1))).toBeLessThan(dist(divergingColor(1, 1)));
    expect(divergingColor(3, 1)).toEqual(divergingColor(1, 1));
    expect(divergingColor(-3, 1)).toEqual(divergingColor(-1, 1));
    // Symmetric: -x is as far along the blue arm as x along the red one.
    const along = (v: number) => dist(divergingColor(v, 1)) / dist(divergingColor(Math.sign(v), 1));
    expect(along(-0.4)).toBeCloseTo(along(0.4), 2);
  });
  it('does not throw on bad input', () => {
    expect(divergingColor(Number.NaN, 1)).toEqual([38, 42, 51]);
    expect(divergingColor(0.5, 0)).toEqual([38, 42, 51]);
  });
  it('takes its domain from the largest finite |value|, ignoring nulls', () => {
    expect(symmetricDomain([[0.2, null], [-0.9, 0.5]])).toBe(0.9);
    expect(symmetricDomain([[null, Number.NaN]])).toBe(1);
    expect(symmetricDomain([])).toBe(1);
    expect(legendTicks(0.8)).toEqual([-0.8, -0.4, 0, 0.4, 0.8]);
  });
});

describe('sequential scale', () => {
  it('runs dark to bright over [0, 1] and clamps', () => {
    const sum = (c: readonly number[]) => c[0]! + c[1]! + c[2]!;
    expect(sum(sequentialColor(0))).toBeLessThan(sum(sequentialColor(0.5)));
    expect(sum(sequentialColor(0.5))).toBeLessThan(sum(sequentialColor(1)));
    expect(sequentialColor(2)).toEqual(sequentialColor(1));
    expect(rgbCss(sequentialColor(0))).toBe('rgb(22, 24, 29)');
  });
});
