import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromptPair } from '../../../common/patching/types';
import { loadModelDir } from '../model';
import { seededRandom } from '../../../common/seededRandom';
import { inductionScores } from './induction';
import { PatchEngine } from './PatchEngine';
import { TRAINED } from './testKit';

/** Pairs where the clean prompt repeats a random segment and the corrupt one repeats a different first half. */
function repeatPairs(tokens: string[], n: number, len: number): PromptPair[] {
  const rand = seededRandom(11);
  const seg = (): string[] => Array.from({ length: len }, () => tokens[Math.floor(rand() * tokens.length)]!);
  return Array.from({ length: n }, () => {
    const a = seg();
    let b = seg();
    while (b[len - 1] === a[len - 1]) b = seg();
    const tail = a.slice(0, len - 1);
    return { clean: [...a, ...tail].join(' '), corrupt: [...b, ...tail].join(' '), answers: [a[len - 1]!, b[len - 1]!] };
  });
}

describe('the trained attention-only model (resources/models/attn_only_2l)', () => {
  let engine: PatchEngine;
  beforeAll(async () => {
    engine = new PatchEngine(await loadModelDir(TRAINED), { inThread: true });
  });
  afterAll(() => engine.close());

  it('has its strongest sweep cells at the heads with the highest induction scores', async () => {
    const { scores } = await inductionScores(engine, { seed: 3 });
    const spec = engine.model.spec;
    const tokens = spec.tokenizer.kind === 'vocab' ? spec.tokenizer.tokens : [];
    const s = await engine.sweep({ pairs: repeatPairs(tokens, 8, 12), metric: 'logit-diff' });
    expect(s.clean - s.corrupt).toBeGreaterThan(1);
    const heads = s.senders.filter((x) => x.startsWith('L'));
    const score = (h: string): number => scores[Number(h[1])]![Number(h.slice(3))]!;
    const toLogits = (h: string): number => s.effects[s.senders.indexOf(h)]![s.receivers.indexOf('logits')]!;
    const byScore = [...heads].sort((a, b) => score(b) - score(a));
    const byEffect = [...heads].sort((a, b) => toLogits(b) - toLogits(a));
    // The induction heads (score above 0.3) are the heads whose direct path to the logits carries the most effect.
    const induction = byScore.filter((h) => score(h) > 0.3);
    expect(induction.length).toBeGreaterThan(0);
    expect(new Set(byEffect.slice(0, induction.length))).toEqual(new Set(induction));
    // … and the two strongest cells into the logits are the two heads with the highest scores.
    expect(new Set(byEffect.slice(0, 2))).toEqual(new Set(byScore.slice(0, 2)));
    // Into the top induction head's K, the strongest sender is a layer-0 head (the previous-token head it reads).
    const top = induction[0]!;
    const intoK = s.senders.map((x, i) => [x, s.effects[i]![s.receivers.indexOf(`${top}.k`)] ?? null] as const).filter(([, e]) => e !== null);
    const strongest = intoK.sort((a, b) => Math.abs(b[1]!) - Math.abs(a[1]!))[0]!;
    expect(strongest[0]).toMatch(/^L0H\d$/);
  });
});
