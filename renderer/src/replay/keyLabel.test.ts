import { describe, expect, it } from 'vitest';
import { keyLabel } from './keyLabel';

describe('keyLabel', () => {
  it('shows control keys by their symbols and text as typed', () => {
    expect(keyLabel('ls -la\r')).toBe('ls␣-la⏎');
    expect(keyLabel('\x7f\t\x03')).toBe('⌫⇥^C');
    expect(keyLabel('\x1b[A\x1b[D\x1b')).toBe('↑←Esc');
    expect(keyLabel('\b')).toBe('⌫');
    expect(keyLabel('你好')).toBe('你好');
  });
});
