import { describe, expect, it } from 'vitest';
import { FlowControl, HIGH_WATERMARK_CHARS, LOW_WATERMARK_CHARS } from './FlowControl';

function source() {
  const calls: string[] = [];
  return { calls, pause: () => calls.push('pause'), resume: () => calls.push('resume') };
}

describe('FlowControl', () => {
  it('pauses above the high watermark of unacknowledged characters', () => {
    const s = source();
    const fc = new FlowControl(s);
    fc.sent(HIGH_WATERMARK_CHARS);
    expect(s.calls).toEqual([]);
    fc.sent(1);
    expect(s.calls).toEqual(['pause']);
    fc.sent(50_000);
    expect(s.calls).toEqual(['pause']);
  });

  it('resumes only below the low watermark', () => {
    const s = source();
    const fc = new FlowControl(s);
    fc.sent(HIGH_WATERMARK_CHARS + 1);
    fc.ack(HIGH_WATERMARK_CHARS + 1 - LOW_WATERMARK_CHARS);
    expect(fc.paused).toBe(true);
    fc.ack(1);
    expect(s.calls).toEqual(['pause', 'resume']);
    expect(fc.unacknowledged).toBe(LOW_WATERMARK_CHARS - 1);
  });

  it('ignores acks beyond what was sent and garbage acks', () => {
    const fc = new FlowControl(source());
    fc.sent(10);
    fc.ack(1_000);
    fc.ack(Number.NaN);
    fc.ack(-5);
    expect(fc.unacknowledged).toBe(0);
  });

  it('dispose lets a paused source run', () => {
    const s = source();
    const fc = new FlowControl(s);
    fc.sent(HIGH_WATERMARK_CHARS + 1);
    fc.dispose();
    fc.sent(HIGH_WATERMARK_CHARS * 2);
    expect(s.calls).toEqual(['pause', 'resume']);
  });
});
