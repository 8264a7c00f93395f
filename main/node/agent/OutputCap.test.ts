import { describe, expect, it } from 'vitest';
import { cleanTerminalText } from './AgentShell';
import { OutputCap } from './OutputCap';

describe('OutputCap', () => {
  it('keeps short output whole', () => {
    const c = new OutputCap(100);
    c.push('hello ');
    c.push('world');
    expect(c.text()).toEqual({ output: 'hello world', elidedChars: 0 });
  });

  it('keeps the head and the tail of a flood, says how much it left out, and holds bounded memory', () => {
    const c = new OutputCap(20);
    for (let i = 0; i < 10_000; i++) c.push(`${i}\n`);
    const { output, elidedChars } = c.text();
    expect(output.startsWith('0\n1\n2\n3\n4\n')).toBe(true);
    expect(output.endsWith('9998\n9999\n')).toBe(true);
    expect(c.totalChars).toBe(elidedChars + 20);
    expect(output).toContain(`[… ${elidedChars} characters of output elided (cap 20) …]`);
    expect(c.tailText(5)).toBe('9999\n');
  });
});

describe('cleanTerminalText', () => {
  it('drops escape sequences and CR before LF', () => {
    expect(cleanTerminalText('\x1b[1;31mred\x1b[0m\r\nok\x1b]0;title\x07\r\n')).toBe('red\nok\n');
  });
});
