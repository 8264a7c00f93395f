import { RedeskError } from '../../../common/errors';
import type { TokenizedText } from '../../../common/patching/types';
import type { Tokenizer } from './types';

/**
 * GPT-2 byte-level BPE from a Hugging Face tokenizer.json: the text is split by GPT-2's pre-tokenizer regex, each
 * piece's UTF-8 bytes are mapped to printable characters (bytes_to_unicode), then merged pair by pair in merge-rank
 * order, and the pieces looked up in the vocab. Added (special) tokens such as <|endoftext|> are matched first.
 */

const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to code points from 256 up. */
function byteMaps(): { encode: string[]; decode: Map<string, number> } {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const encode: string[] = new Array<string>(256);
  let next = 256;
  for (let b = 0; b < 256; b++) encode[b] = String.fromCodePoint(printable.includes(b) ? b : next++);
  const decode = new Map(encode.map((ch, b) => [ch, b] as const));
  return { encode, decode };
}

interface TokenizerJson {
  model?: { type?: string; vocab?: Record<string, number>; merges?: (string | [string, string])[] };
  added_tokens?: { id: number; content: string }[];
}

function bad(file: string, message: string): RedeskError {
  return new RedeskError('MODEL_INVALID', `tokenizer ${file}: ${message}`, {
    where: file,
    hint: 'Use a Hugging Face tokenizer.json for a GPT-2-style byte-level BPE model.',
  });
}

export class BpeTokenizer implements Tokenizer {
  private readonly vocab: Map<string, number>;
  private readonly idToToken: string[] = [];
  private readonly ranks = new Map<string, number>();
  private readonly added: { id: number; content: string }[];
  private readonly bytes = byteMaps();
  private readonly cache = new Map<string, string[]>();
  readonly vocabSize: number;

  constructor(json: unknown, file = 'tokenizer.json') {
    const t = json as TokenizerJson;
    if (!t?.model || t.model.type !== 'BPE' || typeof t.model.vocab !== 'object' || !Array.isArray(t.model.merges)) {
      throw bad(file, 'model.type must be "BPE" with a vocab and merges');
    }
    this.vocab = new Map(Object.entries(t.model.vocab));
    this.added = (t.added_tokens ?? []).filter((a) => typeof a.content === 'string' && a.content.length > 0);
    for (const a of this.added) this.vocab.set(a.content, a.id);
    for (const [tok, id] of this.vocab) this.idToToken[id] = tok;
    t.model.merges.forEach((m, rank) => {
      const pair = Array.isArray(m) ? m : m.split(' ');
      if (pair.length === 2) this.ranks.set(`${pair[0]} ${pair[1]}`, rank);
    });
    this.vocabSize = this.idToToken.length;
  }

  private bpe(piece: string): string[] {
    const hit = this.cache.get(piece);
    if (hit) return hit;
    let parts = [...piece];
    while (parts.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < parts.length - 1; i++) {
        const r = this.ranks.get(`${parts[i]} ${parts[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      // Merge every occurrence of the best pair, left to right, as GPT-2's reference bpe() does.
      const a = parts[best]!;
      const b = parts[best + 1]!;
      const merged: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i < parts.length - 1 && parts[i] === a && parts[i + 1] === b) {
          merged.push(a + b);
          i++;
        } else merged.push(parts[i]!);
      }
      parts = merged;
    }
    this.cache.set(piece, parts);
    return parts;
  }

  private encodePlain(text: string, ids: number[], tokens: string[]): void {
    for (const m of text.matchAll(GPT2_SPLIT)) {
      const mapped = [...new TextEncoder().encode(m[0])].map((b) => this.bytes.encode[b]!).join('');
      for (const tok of this.bpe(mapped)) {
        const id = this.vocab.get(tok);
        if (id === undefined) {
          throw new RedeskError('MODEL_UNKNOWN_TOKEN', `the tokenizer has no token for "${this.show(tok)}"`, { where: tok });
        }
        ids.push(id);
        tokens.push(this.show(tok));
      }
    }
  }

  encode(text: string): TokenizedText {
    const ids: number[] = [];
    const tokens: string[] = [];
    let rest = text;
    while (rest.length > 0) {
      let at = -1;
      let which: { id: number; content: string } | undefined;
      for (const a of this.added) {
        const i = rest.indexOf(a.content);
        if (i >= 0 && (at < 0 || i < at)) {
          at = i;
          which = a;
        }
      }
      if (!which) {
        this.encodePlain(rest, ids, tokens);
        break;
      }
      this.encodePlain(rest.slice(0, at), ids, tokens);
      ids.push(which.id);
      tokens.push(which.content);
      rest = rest.slice(at + which.content.length);
    }
    return { ids, tokens };
  }

  /** A vocab entry as the text it stands for (byte-level characters mapped back through UTF-8). */
  private show(tok: string): string {
    const bytes: number[] = [];
    for (const ch of tok) {
      const b = this.bytes.decode.get(ch);
      if (b === undefined) return tok;
      bytes.push(b);
    }
    return new TextDecoder().decode(Uint8Array.from(bytes));
  }

  tokenText(id: number): string {
    const tok = this.idToToken[id];
    if (tok === undefined) throw new RedeskError('MODEL_UNKNOWN_TOKEN', `token id ${id} is not in the tokenizer`);
    return this.added.some((a) => a.id === id) ? tok : this.show(tok);
  }

  decode(ids: number[]): string {
    const bytes: number[] = [];
    let out = '';
    const flush = (): void => {
      out += new TextDecoder().decode(Uint8Array.from(bytes));
      bytes.length = 0;
    };
    for (const id of ids) {
      const tok = this.idToToken[id];
      if (tok === undefined) throw new RedeskError('MODEL_UNKNOWN_TOKEN', `token id ${id} is not in the tokenizer`);
      if (this.added.some((a) => a.id === id)) {
        flush();
        out += tok;
        continue;
      }
      for (const ch of tok) bytes.push(this.bytes.decode.get(ch) ?? 0x3f);
    }
    flush();
    return out;
  }
}
