import { describe, expect, it } from 'vitest';
import { IdleTracker } from './IdleTracker';

describe('IdleTracker', () => {
  it('reports a span of at least a minute when input returns, and nothing for shorter gaps', () => {
    const spans: [number, number][] = [];
    const idle = new IdleTracker(0, (a, b) => spans.push([a, b]), 60_000);
    idle.input(1000);
    idle.input(60_999); // 59.999 s
    expect(spans).toEqual([]);
    idle.input(130_000);
    expect(spans).toEqual([[60_999, 130_000]]);
    idle.input(130_500);
    expect(spans).toHaveLength(1);
  });

  it('reset forgets the quiet time before it', () => {
    const spans: [number, number][] = [];
    const idle = new IdleTracker(0, (a, b) => spans.push([a, b]), 60_000);
    idle.reset(100_000);
    idle.input(120_000);
    expect(spans).toEqual([]);
  });
});
