import { describe, expect, it } from 'vitest';
import type { SweepResult } from '../../../main/common/patching/types';
import { sweepCsv } from './csv';
import { strongestCells } from './strongest';

const result: SweepResult = {
  modelId: 'm',
  provider: 'cpu',
  metric: 'logit-diff',
  pairs: 1,
  positions: 4,
  senders: ['embed', 'L0H0', 'L1H0'],
  receivers: ['L1H0.q', 'L1H0.k', 'logits'],
  clean: 4,
  corrupt: 0,
  cells: [
    [3.5, 3.9, 4],
    [4, 0.4, 3.8],
    [null, null, 1],
  ],
  effects: [
    [0.125, 0.025, 0],
    [0, 0.9, 0.05],
    [null, null, 0.75],
  ],
  elapsedMs: 12,
};

describe('sweepCsv', () => {
  it('writes the effect matrix with sender and receiver labels, empty cells for nulls', () => {
    const lines = sweepCsv(result).split('\r\n');
    expect(lines[0]).toBe('effect (sender \\ receiver),L1H0.q,L1H0.k,logits');
    expect(lines[1]).toBe('embed,0.125,0.025,0');
    expect(lines[2]).toBe('L0H0,0,0.9,0.05');
    expect(lines[3]).toBe('L1H0,,,0.75');
    expect(lines[4]).toBe('');
    expect(lines).toHaveLength(5);
  });
  it('writes the metric matrix when asked', () => {
    const lines = sweepCsv(result, 'cells').split('\r\n');
    expect(lines[0]).toBe('logit-diff (sender \\ receiver),L1H0.q,L1H0.k,logits');
    expect(lines[2]).toBe('L0H0,4,0.4,3.8');
  });
  it('quotes a label that needs it', () => {
    const odd = { ...result, senders: ['a,"b"', 'L0H0', 'L1H0'] };
    expect(sweepCsv(odd).split('\r\n')[1]).toBe('"a,""b""",0.125,0.025,0');
  });
});

describe('strongestCells', () => {
  it('ranks cells by |effect|, skipping nulls', () => {
    const top = strongestCells(result, 3);
    expect(top.map((c) => `${c.sender}>${c.receiver}`)).toEqual(['L0H0>L1H0.k', 'L1H0>logits', 'embed>L1H0.q']);
    expect(top[0]).toMatchObject({ row: 1, col: 1, effect: 0.9 });
  });
});
