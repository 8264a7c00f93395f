import { describe, expect, it } from 'vitest';
import { partialSecretAtEnd, SecretRedactor } from './SecretRedactor';

describe('SecretRedactor', () => {
  it('replaces every secret, in values and keys, with its salted marker; short ones are ignored', () => {
    const r = new SecretRedactor(['sk-live-0123456789', 'abc'], 'salt');
    const marker = r.marker('sk-live-0123456789')!;
    expect(marker).toMatch(/^«secret:[0-9a-f]{12}»$/);
    expect(r.ignored).toEqual(['abc']);
    expect(r.redact({ data: 'key=sk-live-0123456789;', ['sk-live-0123456789']: 1, n: 2 })).toEqual({ data: `key=${marker};`, [marker]: 1, n: 2 });
    const untouched = { data: 'abc and nothing else' };
    expect(r.redact(untouched)).toBe(untouched);
  });
});

describe('partialSecretAtEnd', () => {
  it('finds the longest end of the text that could begin a secret', () => {
    const secrets = ['sk-live-0123456789', 'abcdefgh'];
    expect(partialSecretAtEnd('output then sk-li', secrets)).toBe(5);
    expect(partialSecretAtEnd('s', secrets)).toBe(1);
    expect(partialSecretAtEnd('xx abcdefg', secrets)).toBe(7);
    // A whole secret is the redactor's job, not held back; nor is text that merely contains its first letter.
    expect(partialSecretAtEnd('sk-live-0123456789', secrets)).toBe(0);
    expect(partialSecretAtEnd('ssss-', secrets)).toBe(0);
    expect(partialSecretAtEnd('sksk-', secrets)).toBe(3);
    expect(partialSecretAtEnd('sk-x', secrets)).toBe(0);
    expect(partialSecretAtEnd('', secrets)).toBe(0);
    // Secrets too short to redact are not waited for either.
    expect(partialSecretAtEnd('ab', ['abc'])).toBe(0);
  });
});
