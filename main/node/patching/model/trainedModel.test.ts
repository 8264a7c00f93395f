import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../appPaths';
import { loadModelDir } from './loadModelDir';
import { partsForward } from './partsForward';

/**
 * The shipped trained model, run through its ONNX parts: the induction scores that the training script measured in
 * torch (kept in model.json notes) come out again, and the best head is a real induction head.
 */
const dir = join(packageRoot(), 'resources', 'models', 'attn_only_2l');

/** Seeded tokens (mulberry32), so the test sees the same sequence on every run. */
function randomTokens(n: number, vocab: number, seed: number): number[] {
  let a = seed >>> 0;
  return Array.from({ length: n }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * vocab);
  });
}

describe('the trained attention-only model', () => {
  it('has the induction heads its notes report, measured through the ONNX parts', async () => {
    const model = await loadModelDir(dir);
    const { heads: H, vocabSize: V } = model.spec;
    const reported = new Map<string, number>();
    for (const m of (model.spec.notes ?? '').matchAll(/(L\d+H\d+) induction ([\d.]+)/g)) reported.set(m[1]!, Number(m[2]));
    expect(reported.size).toBe(model.spec.layers * H);

    const half = 32;
    const seqs = 4;
    const measured = new Map<string, number>();
    for (let s = 0; s < seqs; s++) {
      const seg = randomTokens(half, V, s + 1);
      const { patterns } = await partsForward(model, [...seg, ...seg]);
      const P = 2 * half;
      patterns.forEach((pat, l) => {
        for (let h = 0; h < H; h++) {
          let sum = 0;
          for (let q = half; q < P; q++) sum += pat[(h * P + q) * P + q - half + 1]!;
          measured.set(`L${l}H${h}`, (measured.get(`L${l}H${h}`) ?? 0) + sum / half / seqs);
        }
      });
    }
    for (const [head, score] of reported) expect(Math.abs(measured.get(head)! - score)).toBeLessThan(0.1);
    const best = [...reported].sort((a, b) => b[1] - a[1])[0]!;
    expect(best[0]).toMatch(/^L1/);
    expect(measured.get(best[0])!).toBeGreaterThan(0.5);
  });
});
