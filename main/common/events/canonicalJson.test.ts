import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonicalJson';
import { checkpointSigningText } from './checkpointPayload';

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });
  it('gives the same text for the same value built in any order', () => {
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });
  it('sorts by UTF-16 code units as RFC 8785 does', () => {
    expect(canonicalJson({ '\u00e9': 1, z: 2, '\ud83d\ude00': 3, A: 4 })).toBe('{"A":4,"z":2,"é":1,"😀":3}');
  });
  it('drops undefined members, and refuses values JSON cannot hold', () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/no JSON form/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function/);
  });
});

describe('checkpointSigningText', () => {
  it('is the canonical JSON of the checkpoint fields, the attempt and the namespace', () => {
    const text = checkpointSigningText({ seq: 7, head: 'ab'.repeat(32), t: 1500, wall: '2025-01-01T09:00:00.000Z' }, 'att-1');
    expect(text).toBe(
      `{"attempt":"att-1","head":"${'ab'.repeat(32)}","ns":"redesk-checkpoint/1","seq":7,"t":1500,"wall":"2025-01-01T09:00:00.000Z"}`,
    );
  });
});
