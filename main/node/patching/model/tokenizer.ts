import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RedeskError } from '../../../common/errors';
import type { TokenizedText } from '../../../common/patching/types';
import { BpeTokenizer } from './bpeTokenizer';
import type { LoadedModel, Tokenizer } from './types';

/**
 * A fixed list of tokens: the prompt is split on the separator (whitespace when there is none; each character when
 * it is ""), and each piece must be a token.
 */
export class VocabTokenizer implements Tokenizer {
  private readonly index: Map<string, number>;
  readonly vocabSize: number;

  constructor(
    private readonly tokens: string[],
    private readonly separator?: string,
  ) {
    this.index = new Map(tokens.map((t, i) => [t, i] as const));
    this.vocabSize = tokens.length;
  }

  private split(text: string): string[] {
    if (this.separator === '') return [...text].filter((c) => !/\s/.test(c));
    const pieces = this.separator === undefined ? text.split(/\s+/) : text.split(this.separator).map((p) => p.trim());
    return pieces.filter((p) => p.length > 0);
  }

  encode(text: string): TokenizedText {
    const tokens = this.split(text);
    const ids = tokens.map((t) => {
      const id = this.index.get(t);
      if (id === undefined) {
        const known = this.tokens.length <= 40 ? ` (known: ${this.tokens.join(' ')})` : '';
        throw new RedeskError('MODEL_UNKNOWN_TOKEN', `"${t}" is not a token of this model${known}`, { where: t });
      }
      return id;
    });
    return { ids, tokens };
  }

  tokenText(id: number): string {
    const t = this.tokens[id];
    if (t === undefined) throw new RedeskError('MODEL_UNKNOWN_TOKEN', `token id ${id} is not in the vocabulary`);
    return t;
  }

  decode(ids: number[]): string {
    return ids.map((id) => this.tokenText(id)).join(this.separator ?? ' ');
  }
}

const bpeCache = new Map<string, BpeTokenizer>();

/** The tokenizer model.json names: its vocab list, or its tokenizer.json (cached per file and modification time). */
export function loadTokenizer(model: LoadedModel): Tokenizer {
  const t = model.spec.tokenizer;
  if (t.kind === 'vocab') return new VocabTokenizer(t.tokens, t.separator);
  const file = join(model.dir, t.file);
  const key = `${file}@${statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0}`;
  let tok = bpeCache.get(key);
  if (!tok) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new RedeskError('MODEL_INVALID', `tokenizer ${t.file} cannot be read as JSON: ${(e as Error).message}`, { where: t.file });
    }
    tok = new BpeTokenizer(json, t.file);
    bpeCache.set(key, tok);
  }
  if (tok.vocabSize > model.spec.vocabSize) {
    throw new RedeskError('MODEL_INVALID', `tokenizer ${t.file} has ${tok.vocabSize} tokens but the model only ${model.spec.vocabSize}`, { where: t.file });
  }
  return tok;
}
