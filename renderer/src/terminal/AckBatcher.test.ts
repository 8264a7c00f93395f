import { describe, expect, it } from 'vitest';
import { AckBatcher } from './AckBatcher';

function fakeTimers() {
  const timers: { fn: () => void; id: number }[] = [];
  let id = 0;
  return {
    setTimer: (fn: () => void) => {
      timers.push({ fn, id: ++id });
      return id;
    },
    clearTimer: (h: unknown) => {
      const i = timers.findIndex((t) => t.id === h);
      if (i >= 0) timers.splice(i, 1);
    },
    fire: () => timers.splice(0).forEach((t) => t.fn()),
    count: () => timers.length,
  };
}

describe('AckBatcher', () => {
  it('sends once the batch size is reached', () => {
    const sent: number[] = [];
    const t = fakeTimers();
    const b = new AckBatcher({ send: (n) => sent.push(n), ...t, batchChars: 100 });
    b.add(60);
    expect(sent).toEqual([]);
    b.add(60);
    expect(sent).toEqual([120]);
    expect(t.count()).toBe(0);
  });
  it('sends a small remainder when the timer fires, with one timer per batch', () => {
    const sent: number[] = [];
    const t = fakeTimers();
    const b = new AckBatcher({ send: (n) => sent.push(n), ...t, batchChars: 100 });
    b.add(10);
    b.add(5);
    expect(t.count()).toBe(1);
    t.fire();
    expect(sent).toEqual([15]);
  });
  it('flushes on dispose and ignores empty adds', () => {
    const sent: number[] = [];
    const t = fakeTimers();
    const b = new AckBatcher({ send: (n) => sent.push(n), ...t });
    b.add(0);
    b.dispose();
    expect(sent).toEqual([]);
    b.add(7);
    b.dispose();
    expect(sent).toEqual([7]);
  });
});
