import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex, sha256Plain } from './sha256';

const TEXTS = ['', 'abc', 'héllo\r\nwörld', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(64), 'x'.repeat(100_000)];
const node = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('sha256', () => {
  it('Web Crypto matches Node for ASCII, non-ASCII and astral text', async () => {
    for (const s of TEXTS) expect(await sha256Hex(s)).toBe(node(s));
  });

  it('the plain fallback matches Node, across padding boundaries', () => {
    for (const s of TEXTS) expect(Buffer.from(sha256Plain(new TextEncoder().encode(s))).toString('hex')).toBe(node(s));
  });
});
