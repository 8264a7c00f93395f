import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BATCH_INTERVAL_MS, BATCH_MAX_CHARS, OutputBatcher } from './OutputBatcher';

describe('OutputBatcher', () => {
  let out: string[];
  let batcher: OutputBatcher;
  beforeEach(() => {
    vi.useFakeTimers();
    out = [];
    batcher = new OutputBatcher((d) => out.push(d));
  });
  afterEach(() => {
    batcher.dispose();
    vi.useRealTimers();
  });

  it('keeps a 4-byte emoji whole when the reads split it at every byte', () => {
    const bytes = Buffer.from('a😀b', 'utf8');
    for (let i = 0; i < bytes.length; i++) batcher.write(bytes.subarray(i, i + 1));
    batcher.flush();
    expect(out.join('')).toBe('a😀b');
  });

  it('counts only the characters it emits, not bytes held back', () => {
    const emoji = Buffer.from('😀', 'utf8');
    expect(batcher.write(emoji.subarray(0, 3))).toBe(0);
    expect(batcher.write(emoji.subarray(3))).toBe(2); // one astral character is two UTF-16 units, as xterm counts
  });

  it('sends the first read after a quiet spell at once (a keystroke echo waits for no timer)', () => {
    batcher.write(Buffer.from('a'));
    expect(out).toEqual(['a']);
    vi.advanceTimersByTime(BATCH_INTERVAL_MS * 2);
    batcher.write(Buffer.from('b'));
    expect(out).toEqual(['a', 'b']);
  });

  it('sends reads that follow within the interval as one message at its end', () => {
    for (const c of 'hello') batcher.write(Buffer.from(c));
    expect(out).toEqual(['h']);
    vi.advanceTimersByTime(BATCH_INTERVAL_MS);
    expect(out).toEqual(['h', 'ello']);
    batcher.write(Buffer.from('!'));
    expect(out).toEqual(['h', 'ello']);
    vi.advanceTimersByTime(BATCH_INTERVAL_MS);
    expect(out).toEqual(['h', 'ello', '!']);
  });

  it('sends at once when a batch reaches its size limit', () => {
    batcher.write(Buffer.alloc(BATCH_MAX_CHARS, 'x'));
    expect(out).toHaveLength(1);
    expect(out[0]).toHaveLength(BATCH_MAX_CHARS);
  });

  it('at the end sends what is pending, an unfinished character as U+FFFD', () => {
    batcher.write(Buffer.from('ok'));
    batcher.write(Buffer.from('go'));
    batcher.write(Buffer.from('😀', 'utf8').subarray(0, 2));
    batcher.end();
    expect(out).toEqual(['ok', 'go\uFFFD']);
  });

  it('sends nothing after dispose', () => {
    batcher.write(Buffer.from('first'));
    batcher.write(Buffer.from('late'));
    batcher.dispose();
    vi.advanceTimersByTime(BATCH_INTERVAL_MS * 2);
    expect(out).toEqual(['first']);
  });
});
