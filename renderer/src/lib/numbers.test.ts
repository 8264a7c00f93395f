import { describe, expect, it } from 'vitest';
import { formatNormalized, formatRaw } from './numbers';

describe('score formatting', () => {
  it('keeps four significant digits for raw scores, with trailing zeros', () => {
    expect(formatRaw(2.29)).toBe('2.290');
    expect(formatRaw(-0.123456)).toBe('-0.1235');
    expect(formatRaw(0)).toBe('0.000');
    expect(formatRaw(12345678)).toBe('1.235e+7');
  });
  it('shows normalized scores to 3 decimals', () => {
    expect(formatNormalized(0.96789)).toBe('0.968');
    expect(formatNormalized(1)).toBe('1.000');
  });
  it('shows a dash for missing scores', () => {
    expect(formatRaw(null)).toBe('—');
    expect(formatNormalized(null)).toBe('—');
    expect(formatRaw(Number.NaN)).toBe('—');
  });
});
