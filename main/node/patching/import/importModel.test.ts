import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partsForward } from '../model/partsForward';
import { referenceForward } from '../model/referenceForward';
import { tensor, type ModelConfig, type ModelWeights, type Tensor } from '../model/weights';
import { importModel } from './importModel';
import { readSafetensors, writeSafetensors } from './safetensors';
import { gpt2Dict, randomWeights } from './testFixtures';

function tlensDict(w: ModelWeights): Record<string, Tensor> {
  const sd: Record<string, Tensor> = { 'embed.W_E': w.W_E, 'unembed.W_U': w.W_U, 'unembed.b_U': w.b_U };
  if (w.W_pos) sd['pos_embed.W_pos'] = w.W_pos;
  if (w.lnFinal) Object.assign(sd, { 'ln_final.w': w.lnFinal.w, 'ln_final.b': w.lnFinal.b });
  w.blocks.forEach((b, l) => {
    const p = `blocks.${l}.`;
    for (const k of ['W_Q', 'W_K', 'W_V', 'b_Q', 'b_K', 'b_V', 'W_O', 'b_O'] as const) sd[`${p}attn.${k}`] = b[k];
    if (b.ln1) Object.assign(sd, { [`${p}ln1.w`]: b.ln1.w, [`${p}ln1.b`]: b.ln1.b });
    if (b.ln2) Object.assign(sd, { [`${p}ln2.w`]: b.ln2.w, [`${p}ln2.b`]: b.ln2.b });
    if (b.mlp) for (const k of ['W_in', 'b_in', 'W_out', 'b_out'] as const) sd[`${p}mlp.${k}`] = b.mlp[k];
  });
  return sd;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'redesk-import-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const base: ModelConfig = { layers: 2, heads: 3, dModel: 12, dHead: 4, context: 10, vocabSize: 9, mlp: false, normalization: 'none', positional: 'learned' };
const tokens = [3, 1, 4, 1, 5, 8, 2, 6];

async function importAndCompare(w: ModelWeights, dict: Record<string, Tensor>, arch: 'gpt2' | 'tlens', name: string): Promise<void> {
  const weights = join(dir, `${name}.safetensors`);
  await writeFile(weights, writeSafetensors(dict));
  const model = await importModel({ weights, arch, out: join(dir, name), heads: arch === 'gpt2' ? w.config.heads : undefined });
  expect(model.spec).toMatchObject({ ...w.config, context: w.W_pos ? w.config.context : 1024 });
  expect(model.parts.mlp.length).toBe(w.config.mlp ? w.config.layers : 0);
  const got = await partsForward(model, tokens);
  const want = referenceForward(w, tokens);
  expect(maxAbsDiff(got.logits, want.logits)).toBeLessThan(1e-4);
  got.patterns.forEach((p, l) => expect(maxAbsDiff(p, want.patterns[l]!)).toBeLessThan(1e-4));
}

describe('importModel', () => {
  it('imports TransformerLens weights, attention only without layer norm, matching the TS reference', async () => {
    const w = randomWeights(base, 1);
    await importAndCompare(w, tlensDict(w), 'tlens', 'tlens-plain');
  });

  it('imports TransformerLens weights with layer norms and MLPs, matching the TS reference', async () => {
    const w = randomWeights({ ...base, mlp: true, normalization: 'layernorm' }, 2);
    await importAndCompare(w, tlensDict(w), 'tlens', 'tlens-full');
  });

  it('imports TransformerLens weights without positional embeddings', async () => {
    const w = randomWeights({ ...base, positional: 'none', layers: 1 }, 3);
    await importAndCompare(w, tlensDict(w), 'tlens', 'tlens-nopos');
  });

  it('imports GPT-2 weights (Conv1D layout, fused c_attn, untied lm_head), matching the TS reference', async () => {
    // GPT-2 has no unembedding bias.
    const w = { ...randomWeights({ ...base, mlp: true, normalization: 'layernorm' }, 4), b_U: tensor([base.vocabSize]) };
    await importAndCompare(w, gpt2Dict(w, '', false), 'gpt2', 'gpt2-untied');
  });

  it('imports GPT-2 weights with the transformer. prefix and the unembedding tied to wte', async () => {
    const w = randomWeights({ ...base, mlp: true, normalization: 'layernorm' }, 5);
    const V = w.config.vocabSize;
    const d = w.config.dModel;
    const tiedU = new Float32Array(d * V);
    for (let t = 0; t < V; t++) for (let i = 0; i < d; i++) tiedU[i * V + t] = w.W_E.data[t * d + i]!;
    const tied = { ...w, W_U: tensor([d, V], tiedU), b_U: tensor([V]) };
    await importAndCompare(tied, gpt2Dict(tied, 'transformer.', true), 'gpt2', 'gpt2-tied');
  });

  it('imports TransformerLens weights saved with fold_ln (--folded-ln) as identity-affine layer norms', async () => {
    const w = randomWeights({ ...base, mlp: true, normalization: 'layernorm' }, 9);
    const d = base.dModel;
    const identity = () => ({ w: tensor([d], new Float32Array(d).fill(1)), b: tensor([d]) });
    const folded: ModelWeights = { ...w, lnFinal: identity(), blocks: w.blocks.map((b) => ({ ...b, ln1: identity(), ln2: identity() })) };
    const dict = Object.fromEntries(Object.entries(tlensDict(folded)).filter(([k]) => !/ln(1|2|_final)\./.test(k)));
    const weights = join(dir, 'folded.safetensors');
    await writeFile(weights, writeSafetensors(dict));
    const plain = await importModel({ weights, arch: 'tlens', out: join(dir, 'folded-plain') });
    expect(plain.spec.normalization).toBe('none');
    const model = await importModel({ weights, arch: 'tlens', out: join(dir, 'folded'), foldedLn: true });
    expect(model.spec.normalization).toBe('layernorm');
    const got = await partsForward(model, tokens);
    expect(maxAbsDiff(got.logits, referenceForward(folded, tokens).logits)).toBeLessThan(1e-4);
  });

  it('names a missing tensor and a wrongly shaped one, and writes nothing', async () => {
    const w = randomWeights(base, 6);
    const missing = tlensDict(w);
    delete missing['blocks.1.attn.W_K'];
    await writeFile(join(dir, 'missing.safetensors'), writeSafetensors(missing));
    await expect(importModel({ weights: join(dir, 'missing.safetensors'), arch: 'tlens', out: join(dir, 'missing') })).rejects.toMatchObject({
      code: 'MODEL_IMPORT_INVALID',
      message: expect.stringContaining('blocks.1.attn.W_K [3, 12, 4] is missing'),
    });
    const wrong = { ...tlensDict(w), 'blocks.0.attn.W_O': tensor([3, 4, 11]) };
    await writeFile(join(dir, 'wrong.safetensors'), writeSafetensors(wrong));
    await expect(importModel({ weights: join(dir, 'wrong.safetensors'), arch: 'tlens', out: join(dir, 'wrong') })).rejects.toMatchObject({
      code: 'MODEL_IMPORT_INVALID',
      message: expect.stringContaining('blocks.0.attn.W_O has shape [3, 4, 11], expected [3, 4, 12]'),
    });
    await expect(readFile(join(dir, 'wrong', 'model.json'))).rejects.toThrow();
  });

  it('needs --heads for gpt2, and a vocab.txt as long as the embedding', async () => {
    const w = randomWeights({ ...base, mlp: true, normalization: 'layernorm' }, 7);
    await writeFile(join(dir, 'g.safetensors'), writeSafetensors(gpt2Dict(w, '', true)));
    await expect(importModel({ weights: join(dir, 'g.safetensors'), arch: 'gpt2', out: join(dir, 'g') })).rejects.toMatchObject({ code: 'MODEL_IMPORT_INVALID', where: '--heads' });
    await writeFile(join(dir, 'vocab.txt'), 'a\nb\nc\n');
    await expect(importModel({ weights: join(dir, 'g.safetensors'), arch: 'gpt2', heads: 3, vocab: join(dir, 'vocab.txt'), out: join(dir, 'g') })).rejects.toMatchObject({
      code: 'MODEL_IMPORT_INVALID',
      message: expect.stringContaining('lists 3 tokens, but the embedding has 9 rows'),
    });
  });

  it('refuses to overwrite a folder unless forced, and replaces it when forced', async () => {
    const w = randomWeights(base, 8);
    const weights = join(dir, 'again.safetensors');
    await writeFile(weights, writeSafetensors(tlensDict(w)));
    await importModel({ weights, arch: 'tlens', out: join(dir, 'again'), name: 'first' });
    await expect(importModel({ weights, arch: 'tlens', out: join(dir, 'again') })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const m = await importModel({ weights, arch: 'tlens', out: join(dir, 'again'), name: 'second', force: true });
    expect(JSON.parse(await readFile(join(m.dir, 'model.json'), 'utf8')).name).toBe('second');
  });
});

describe('safetensors', () => {
  it('reads F16 and BF16 tensors as float32', () => {
    // 1.5 in F16 is 0x3e00; -2 in BF16 is 0xc000.
    const header = JSON.stringify({ a: { dtype: 'F16', shape: [2], data_offsets: [0, 4] }, b: { dtype: 'BF16', shape: [1], data_offsets: [4, 6] } });
    const buf = new Uint8Array(8 + header.length + 6);
    new DataView(buf.buffer).setBigUint64(0, BigInt(header.length), true);
    buf.set(new TextEncoder().encode(header), 8);
    const dv = new DataView(buf.buffer, 8 + header.length);
    dv.setUint16(0, 0x3e00, true);
    dv.setUint16(2, 0x0000, true);
    dv.setUint16(4, 0xc000, true);
    const { tensors } = readSafetensors(buf);
    expect(Array.from(tensors.get('a')!.data)).toEqual([1.5, 0]);
    expect(Array.from(tensors.get('b')!.data)).toEqual([-2]);
  });

  it('round-trips float32 tensors and rejects a file that is not safetensors', () => {
    const t = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
    const { tensors } = readSafetensors(writeSafetensors({ x: t }));
    expect(tensors.get('x')).toEqual(t);
    expect(() => readSafetensors(new TextEncoder().encode('definitely not a weights file'))).toThrow(/not a safetensors file/);
  });
});
