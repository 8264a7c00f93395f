import { describe, expect, it } from 'vitest';
import { cellPaths, expandPath, receivers, senders } from './graph';
import { OrtParts } from './ortParts';
import { HANDBUILT } from './testKit';
import { join } from 'node:path';

const g = { layers: 2, heads: 2, mlp: true };

describe('graph of a 2-layer model with MLPs', () => {
  it('lists senders and receivers in node order', () => {
    expect(senders(g).length).toBe(1 + 2 * 3);
    expect(receivers(g).map((r) => (r.kind === 'head' ? `L${r.layer}H${r.head}.${r.channel}` : r.kind === 'mlp' ? `L${r.layer}.mlp` : r.kind))).toEqual([
      'L0H0.q', 'L0H0.k', 'L0H0.v', 'L0H1.q', 'L0H1.k', 'L0H1.v', 'L0.mlp',
      'L1H0.q', 'L1H0.k', 'L1H0.v', 'L1H1.q', 'L1H1.k', 'L1H1.v', 'L1.mlp', 'logits',
    ]);
  });

  it('expands bare head steps into their three inputs and rejects paths that cannot run', () => {
    expect(expandPath(g, ['embed', 'L0H1', 'L1.mlp', 'logits'])).toEqual([
      ['L0H1.q', 'L1.mlp', 'logits'],
      ['L0H1.k', 'L1.mlp', 'logits'],
      ['L0H1.v', 'L1.mlp', 'logits'],
    ]);
    const code = (p: string[]): string | undefined => {
      try {
        expandPath(g, p);
      } catch (e) {
        return (e as { code: string }).code;
      }
      return undefined;
    };
    expect(code(['embed', 'L0.mlp', 'L0H0.q', 'logits'])).toBe('PATCH_BAD_PATH'); // a head does not read its own layer's MLP
    expect(code(['embed', 'L0H0', 'L0H1', 'logits'])).toBe('PATCH_BAD_PATH'); // heads of one layer do not read each other
    expect(code(['L0H0', 'logits'])).toBe('PATCH_BAD_PATH');
    expect(code(['embed', 'L0H0.x', 'logits'])).toBe('PATCH_BAD_PATH');
    expect(code(['embed', 'L0H0', 'L0.mlp'])).toBe('PATCH_BAD_PATH');
  });

  it('enumerates a sweep cell as every route embed →* sender → receiver →* logits', () => {
    const s = senders(g);
    // embed → L1.mlp: then straight to the logits.
    expect(cellPaths(g, s[0]!, { kind: 'mlp', layer: 1 })).toEqual([['embed', 'L1.mlp', 'logits']]);
    // L0.mlp → L1H0.k: into L0.mlp from embed directly or through either L0 head's three inputs (1 + 6 routes),
    // and out of L1H0 to the logits directly or through L1.mlp (2 routes).
    const paths = cellPaths(g, s[3]!, { kind: 'head', layer: 1, head: 0, channel: 'k' });
    expect(paths).toHaveLength(7 * 2);
    expect(paths).toContainEqual(['embed', 'L0H1.v', 'L0.mlp', 'L1H0.k', 'L1.mlp', 'logits']);
    for (const p of paths) expect(expandPath(g, p)).toEqual([p.slice(1)]);
  });
});

describe('execution provider', () => {
  it('falls back to cpu with the reason when the asked provider is missing', async () => {
    const lines: string[] = [];
    const parts = new OrtParts({ embed: join(HANDBUILT, 'embed.onnx') }, { provider: 'cuda', log: (l) => lines.push(l) });
    const out = await parts.run('embed', { tokens: { type: 'int64', dims: [1, 2], data: BigInt64Array.from([1n, 2n]) } });
    expect(out.resid!.dims).toEqual([1, 2, 80]);
    expect(parts.provider()).toBe('cpu');
    expect(lines.join('\n')).toMatch(/cuda is not available .*; using cpu/);
    await parts.close();
  });
});
