import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BpeTokenizer } from './bpeTokenizer';
import { VocabTokenizer, loadTokenizer } from './tokenizer';
import type { LoadedModel } from './types';

/** A tiny GPT-2-style byte-level BPE: "Ġ" is the space byte, "Ã©" the UTF-8 bytes of "é". */
const tinyBpe = {
  version: '1.0',
  added_tokens: [{ id: 20, content: '<|endoftext|>', special: true }],
  pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false },
  model: {
    type: 'BPE',
    vocab: { h: 0, e: 1, l: 2, o: 3, w: 4, r: 5, d: 6, 'Ġ': 7, '!': 8, he: 9, ll: 10, hell: 11, hello: 12, 'Ġw': 13, or: 14, 'Ġwor': 15, 'Ã': 16, '©': 17, 'Ã©': 18, "'s": 19 },
    merges: ['h e', 'l l', 'he ll', 'hell o', 'Ġ w', 'o r', 'Ġw or', 'Ã ©', "' s"],
  },
};

describe('BpeTokenizer (GPT-2 byte-level)', () => {
  const tok = new BpeTokenizer(tinyBpe);

  it('splits with the GPT-2 pattern and merges in rank order', () => {
    expect(tok.encode('hello world!')).toEqual({ ids: [12, 15, 2, 6, 8], tokens: ['hello', ' wor', 'l', 'd', '!'] });
  });

  it('maps non-ASCII text through its UTF-8 bytes', () => {
    expect(tok.encode('é')).toEqual({ ids: [18], tokens: ['é'] });
  });

  it('keeps contractions and added tokens whole, and decodes back to the text', () => {
    const text = "he's<|endoftext|>hello";
    const { ids, tokens } = tok.encode(text);
    expect(tokens).toEqual(['he', "'s", '<|endoftext|>', 'hello']);
    expect(tok.decode(ids)).toBe(text);
  });

  it('names a piece it has no token for', () => {
    expect(() => tok.encode('hez')).toThrow(expect.objectContaining({ code: 'MODEL_UNKNOWN_TOKEN', message: expect.stringContaining('"z"') }));
  });

  it('refuses a tokenizer.json that is not BPE', () => {
    expect(() => new BpeTokenizer({ model: { type: 'WordPiece', vocab: {} } })).toThrow(expect.objectContaining({ code: 'MODEL_INVALID' }));
  });
});

describe('VocabTokenizer', () => {
  it('splits on whitespace by default and names an unknown token', () => {
    const tok = new VocabTokenizer(['a', 'b', 'c']);
    expect(tok.encode('  a b\n c a ')).toEqual({ ids: [0, 1, 2, 0], tokens: ['a', 'b', 'c', 'a'] });
    expect(tok.decode([2, 1])).toBe('c b');
    expect(() => tok.encode('a d')).toThrow(expect.objectContaining({ code: 'MODEL_UNKNOWN_TOKEN', message: expect.stringContaining('"d"') }));
  });

  it('splits on a given separator, or into characters when it is empty', () => {
    expect(new VocabTokenizer(['ab', 'c d'], ',').encode('ab, c d,ab').ids).toEqual([0, 1, 0]);
    expect(new VocabTokenizer(['x', 'y'], '').encode('xy yx').ids).toEqual([0, 1, 1, 0]);
  });
});

describe('loadTokenizer', () => {
  it('reads the bpe file named in model.json, checked against the vocab size', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'redesk-tok-'));
    try {
      await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(tinyBpe));
      const model = (vocabSize: number) =>
        ({ dir, spec: { vocabSize, tokenizer: { kind: 'bpe', file: 'tokenizer.json' } } }) as unknown as LoadedModel;
      expect(loadTokenizer(model(21)).encode('hello').ids).toEqual([12]);
      expect(() => loadTokenizer(model(10))).toThrow(expect.objectContaining({ code: 'MODEL_INVALID' }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
