import { describe, expect, it } from 'vitest';
import { cellHasIndirectRoutes, cellPath, formatPath, nodeLayer, parseNode, parsePath, samePath } from './paths';

const shape = { layers: 2, heads: 4, mlp: false };

describe('parseNode', () => {
  it('reads every kind of node name', () => {
    expect(parseNode('embed')).toEqual({ kind: 'embed' });
    expect(parseNode('logits')).toEqual({ kind: 'logits' });
    expect(parseNode('L1H3')).toEqual({ kind: 'head', layer: 1, head: 3 });
    expect(parseNode('L10H2.k')).toEqual({ kind: 'head', layer: 10, head: 2, channel: 'k' });
    expect(parseNode('L0.mlp')).toEqual({ kind: 'mlp', layer: 0 });
  });
  it('refuses near misses', () => {
    for (const bad of ['L1H', 'l1h0', 'L1H0.x', 'L0.mlp.k', 'embed.q', 'H0', '']) expect(parseNode(bad)).toBeNull();
  });
  it('gives the layer a node belongs to', () => {
    expect(nodeLayer('L1H0.q')).toBe(1);
    expect(nodeLayer('L3.mlp')).toBe(3);
    expect(nodeLayer('logits')).toBeNull();
  });
});

describe('parsePath', () => {
  it('parses the induction circuit written with > or →, spaces allowed', () => {
    expect(parsePath('embed>L0H0>L1H0.k>logits', shape)).toEqual({ ok: true, path: ['embed', 'L0H0', 'L1H0.k', 'logits'] });
    expect(parsePath(' embed → L1H0.q -> logits ', shape)).toEqual({ ok: true, path: ['embed', 'L1H0.q', 'logits'] });
    expect(parsePath('embed>logits', shape)).toEqual({ ok: true, path: ['embed', 'logits'] });
  });
  it('says why a path is refused', () => {
    const error = (text: string, s = shape) => {
      const r = parsePath(text, s);
      return r.ok ? null : r.error;
    };
    expect(error('')).toMatch(/Type a path/);
    expect(error('L0H0>L1H0>logits')).toMatch(/starts at embed/);
    expect(error('embed>L0H0')).toMatch(/ends at logits/);
    expect(error('embed>L0H9>logits')).toMatch(/4 head\(s\) per layer/);
    expect(error('embed>L2H0>logits')).toMatch(/2 layer\(s\)/);
    expect(error('embed>L0.mlp>logits')).toMatch(/attention-only/);
    expect(error('embed>L1H0>L0H1.k>logits')).toMatch(/L1H0 cannot feed L0H1.k/);
    expect(error('embed>L0H0>L0H1.k>logits')).toMatch(/cannot feed/);
    expect(error('embed>L0H0>bogus>logits')).toMatch(/Unknown node "bogus"/);
  });
  it('lets an MLP read its own layer but not a head read its own layer MLP', () => {
    const mlpShape = { layers: 2, heads: 1, mlp: true };
    expect(parsePath('embed>L0H0>L0.mlp>L1H0.v>logits', mlpShape).ok).toBe(true);
    expect(parsePath('embed>L0.mlp>L0H0>logits', mlpShape).ok).toBe(false);
  });
});

describe('cell paths', () => {
  it('turns a sweep cell into the path it measured', () => {
    expect(cellPath('L0H0', 'L1H0.k')).toEqual(['embed', 'L0H0', 'L1H0.k', 'logits']);
    expect(cellPath('embed', 'L1H0.q')).toEqual(['embed', 'L1H0.q', 'logits']);
    expect(cellPath('L1H0', 'logits')).toEqual(['embed', 'L1H0', 'logits']);
    expect(cellPath('embed', 'logits')).toEqual(['embed', 'logits']);
  });
  it('round-trips through formatPath and parsePath', () => {
    const p = cellPath('L0H2', 'L1H3.v');
    expect(parsePath(formatPath(p), shape)).toEqual({ ok: true, path: p });
    expect(samePath(p, [...p])).toBe(true);
    expect(samePath(p, p.slice(1))).toBe(false);
  });
});

describe('cellHasIndirectRoutes', () => {
  it('is false only when the direct path is the whole cell', () => {
    expect(cellHasIndirectRoutes('L0H0', 'L1H0.k', shape)).toBe(false);
    expect(cellHasIndirectRoutes('embed', 'L1H0.q', shape)).toBe(false);
    expect(cellHasIndirectRoutes('L0H1', 'logits', { layers: 1, heads: 2, mlp: false })).toBe(false);
    expect(cellHasIndirectRoutes('L1H0', 'logits', shape)).toBe(true); // embed → L0H* → L1H0
    expect(cellHasIndirectRoutes('embed', 'L0H0.v', shape)).toBe(true); // L0H0 → L1H* → logits
    expect(cellHasIndirectRoutes('L0H0', 'L1H0.k', { layers: 2, heads: 1, mlp: true })).toBe(true); // L1H0 → L1.mlp
  });
});
