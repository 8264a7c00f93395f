import { describe, expect, it } from 'vitest';
import { ModelSpecSchema, describeModelSpecIssue } from './modelSchema';

const valid = {
  format: 'redesk-model/1',
  name: 'tiny',
  layers: 2,
  heads: 2,
  dModel: 8,
  dHead: 4,
  context: 16,
  vocabSize: 3,
  mlp: false,
  normalization: 'none',
  positional: 'learned',
  tokenizer: { kind: 'vocab', tokens: ['a', 'b', 'c'], separator: ' ' },
  parts: { embed: 'embed.onnx', attn: ['attn0.onnx', 'attn1.onnx'], mlp: [], unembed: 'unembed.onnx' },
};

function issue(spec: unknown): string {
  const r = ModelSpecSchema.safeParse(spec);
  expect(r.success).toBe(false);
  return describeModelSpecIssue(r.error!).message;
}

describe('model.json schema', () => {
  it('accepts the format as documented', () => {
    expect(ModelSpecSchema.parse(valid)).toMatchObject({ layers: 2, tokenizer: { kind: 'vocab' } });
    expect(ModelSpecSchema.parse({ ...valid, tokenizer: { kind: 'bpe', file: 'tokenizer.json' } }).tokenizer).toEqual({ kind: 'bpe', file: 'tokenizer.json' });
  });

  it('names the field of each problem', () => {
    expect(issue({ ...valid, format: 'redesk-model/2' })).toMatch(/^format: must be "redesk-model\/1"/);
    expect(issue({ ...valid, layers: 0 })).toMatch(/^layers: /);
    expect(issue({ ...valid, normalization: 'rmsnorm' })).toMatch(/^normalization: /);
    expect(issue({ ...valid, extra: 1 })).toMatch(/extra/);
    const { dModel: _omit, ...noDModel } = valid;
    expect(issue(noDModel)).toMatch(/^dModel: /);
  });

  it('checks parts against layers and mlp, and the vocab against vocabSize', () => {
    expect(issue({ ...valid, parts: { ...valid.parts, attn: ['attn0.onnx'] } })).toBe('parts.attn: must list 2 files (one per layer), not 1');
    expect(issue({ ...valid, mlp: true })).toBe('parts.mlp: must list 2 files (one per layer), not 0');
    expect(issue({ ...valid, parts: { ...valid.parts, mlp: ['mlp0.onnx'] } })).toBe('parts.mlp: must be empty when "mlp" is false');
    expect(issue({ ...valid, vocabSize: 4 })).toBe('tokenizer.tokens: must list vocabSize (4) tokens, not 3');
    expect(issue({ ...valid, tokenizer: { kind: 'vocab', tokens: ['a', 'b', 'a'] } })).toBe('tokenizer.tokens: must not repeat a token');
  });

  it('keeps part files inside the model folder', () => {
    expect(issue({ ...valid, parts: { ...valid.parts, embed: '../elsewhere.onnx' } })).toMatch(/^parts\.embed: must be a file name inside the model folder/);
  });
});
