import { describe, expect, it } from 'vitest';
import { applyChangeEvent, applyChanges, ChangeOutOfRangeError } from './applyChanges';

const c = (rangeOffset: number, rangeLength: number, text: string) => ({ rangeOffset, rangeLength, text });

describe('applyChanges', () => {
  it('applies one change', () => {
    expect(applyChanges('hello world', [c(6, 5, 'there')])).toBe('hello there');
    expect(applyChanges('abc', [c(3, 0, 'd')])).toBe('abcd');
    expect(applyChanges('abc', [])).toBe('abc');
  });

  it('takes every offset against the text before the event, in either listed order', () => {
    // Three cursors typing "#" at the start of three lines, as Monaco lists them (last first) and reversed.
    const text = 'a\nb\nc';
    const monacoOrder = [c(4, 0, '#'), c(2, 0, '#'), c(0, 0, '#')];
    expect(applyChanges(text, monacoOrder)).toBe('#a\n#b\n#c');
    expect(applyChanges(text, [...monacoOrder].reverse())).toBe('#a\n#b\n#c');
    expect(applyChanges('one two three', [c(8, 5, '3'), c(0, 3, '1'), c(4, 3, '')])).toBe('1  3');
  });

  it('keeps the listed order for changes at the same offset', () => {
    // Applied in the listed order with the same offset, the second insertion lands before the first.
    expect(applyChanges('ab', [c(1, 0, 'X'), c(1, 0, 'Y')])).toBe('aYXb');
  });

  it('applies changes at one offset in sequence, as an undo across an end-of-line change lists them', () => {
    expect(applyChanges('a\r\nb', [c(0, 4, 'a\nb'), c(0, 3, 'a\r\nb')])).toBe('a\r\nb');
  });

  it('refuses a change that reaches past the text', () => {
    expect(() => applyChanges('abc', [c(2, 5, '')])).toThrow(ChangeOutOfRangeError);
  });

  it('replaces the whole text on a flush', () => {
    expect(applyChangeEvent('old text', { isFlush: true, changes: [c(0, 8, 'new')] })).toBe('new');
    expect(applyChangeEvent('x', { changes: [c(1, 0, 'y')] })).toBe('xy');
  });

  it('rewrites every line break on an end-of-line change', () => {
    expect(applyChangeEvent('a\nb\r\nc', { changes: [], eol: '\r\n' })).toBe('a\r\nb\r\nc');
  });
});
