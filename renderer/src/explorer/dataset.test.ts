import { describe, expect, it } from 'vitest';
import { parseDataset } from './dataset';
import { tokenLabel, axisLabels } from './tokenLabel';
import { exportName } from './download';

describe('parseDataset', () => {
  it('reads pairs with and without answers', () => {
    const r = parseDataset(JSON.stringify([{ clean: 'ABAB', corrupt: 'ABCB', answers: ['A', 'C'] }, { clean: 'x', corrupt: 'y' }]));
    expect(r).toEqual({ ok: true, pairs: [{ clean: 'ABAB', corrupt: 'ABCB', answers: ['A', 'C'] }, { clean: 'x', corrupt: 'y' }] });
  });
  it('says which pair is wrong and why', () => {
    const error = (v: unknown) => {
      const r = parseDataset(typeof v === 'string' ? v : JSON.stringify(v));
      return r.ok ? null : r.error;
    };
    expect(error('{not json')).toMatch(/^Not JSON/);
    expect(error({ clean: 'a' })).toMatch(/Expected an array.*got object/);
    expect(error([])).toMatch(/no pairs/);
    expect(error([{ clean: 'a', corrupt: 'b' }, 3])).toMatch(/^Pair 2: expected an object, got number/);
    expect(error([{ clean: '', corrupt: 'b' }])).toMatch(/Pair 1: "clean"/);
    expect(error([{ clean: 'a' }])).toMatch(/Pair 1: "corrupt"/);
    expect(error([{ clean: 'a', corrupt: 'b', answers: ['x'] }])).toMatch(/"answers" must be two/);
  });
});

describe('token labels and export names', () => {
  it('makes whitespace visible and shortens long tokens', () => {
    expect(tokenLabel(' Mary')).toBe('·Mary');
    expect(tokenLabel('\n')).toBe('⏎');
    expect(tokenLabel('')).toBe('∅');
    expect(tokenLabel('abcdefghijklmnopqrstuvwxyz', 6)).toBe('abcde…');
    expect(axisLabels(['A', 'B', 'A'])).toEqual(['0 A', '1 B', '2 A']);
  });
  it('names exports by kind, model and time', () => {
    expect(exportName('sweep', 'my model/x', 'csv', new Date('2026-11-30T03:15:07.123Z'))).toBe('sweep-my_model_x-20261130T031507.csv');
  });
});
