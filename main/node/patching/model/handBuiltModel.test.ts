import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../appPaths';
import { loadModelDir } from './loadModelDir';
import { partsForward } from './partsForward';
import { loadTokenizer } from './tokenizer';

/** The shipped hand-built model, run through its ONNX parts: the circuit its weights were written to have. */
const dir = join(packageRoot(), 'resources', 'models', 'induction_handbuilt');

function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

describe('the hand-built induction model', () => {
  it('predicts the next token of a repeated segment at every position of the repeat', async () => {
    const model = await loadModelDir(dir);
    const tok = loadTokenizer(model);
    const V = model.spec.vocabSize;
    for (const seg of ['c f a k m b d', 'p o n m l k j i h g', 'a b c d e f g h i j k l m n o p']) {
      const { ids } = tok.encode(`${seg} ${seg}`);
      const L = ids.length / 2;
      const { logits } = await partsForward(model, ids);
      // From the second copy's first token on, the answer is the token after its earlier occurrence.
      for (let p = L; p < ids.length - 1; p++) {
        expect(tok.tokenText(argmax(logits.subarray(p * V, (p + 1) * V)))).toBe(tok.tokenText(ids[p - L + 1]!));
      }
      expect(argmax(logits.subarray((ids.length - 1) * V))).toBe(ids[L]!);
    }
  });

  it('has a previous-token head at L0H0 and an induction head at L1H0', async () => {
    const model = await loadModelDir(dir);
    const { ids } = loadTokenizer(model).encode('g e c a h e b g e c a h e b');
    const P = ids.length;
    const { patterns } = await partsForward(model, ids);
    const at = (l: number, h: number, q: number, k: number): number => patterns[l]![(h * P + q) * P + k]!;
    for (let q = 1; q < P; q++) expect(at(0, 0, q, q - 1)).toBeGreaterThan(0.99);
    // The query at 8 ("e", second copy) looks for keys whose previous token is "e": 2 and 6 (after the "e"s at 1
    // and 5), so its attention splits between them; the query at 9 ("c") attends to 3, after the "c" at 2.
    expect(at(1, 0, 8, 2) + at(1, 0, 8, 6)).toBeGreaterThan(0.99);
    expect(at(1, 0, 9, 3)).toBeGreaterThan(0.99);
    expect(at(1, 0, 10, 4)).toBeGreaterThan(0.99);
    // L1H1 attends to itself.
    expect(at(1, 1, 10, 10)).toBeGreaterThan(0.99);
  });
});
