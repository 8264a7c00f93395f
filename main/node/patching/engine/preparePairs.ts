/** Tokenises and checks a run's prompt pairs and answers, and groups the pairs by length for batching. */
import { RedeskError, isRedeskError } from '../../../common/errors';
import type { PatchMetric, PromptPair } from '../../../common/patching/types';
import type { Tokenizer } from '../model/types';

export interface PreparedPair {
  index: number;
  clean: number[];
  corrupt: number[];
  /** Token ids of the correct and incorrect answers; null when the metric needs none. */
  answers: [number, number] | null;
}

export const METRICS: readonly PatchMetric[] = ['logit-diff', 'loss', 'kl'];

function encodePrompt(tok: Tokenizer, text: string, which: string, context: number, index: number): number[] {
  const ids = tok.encode(text).ids;
  if (ids.length === 0) throw new RedeskError('PATCH_BAD_REQUEST', `pair ${index + 1}: the ${which} prompt is empty`, { where: `pairs[${index}].${which}` });
  if (ids.length > context) {
    throw new RedeskError('PATCH_PROMPT_TOO_LONG', `pair ${index + 1}: the ${which} prompt is ${ids.length} tokens; the model's context is ${context}`, {
      where: `pairs[${index}].${which}`,
      hint: `Shorten the prompt to at most ${context} tokens.`,
    });
  }
  return ids;
}

function answerId(tok: Tokenizer, text: string, index: number): number {
  let ids: number[];
  try {
    ids = tok.encode(text).ids;
  } catch (e) {
    if (isRedeskError(e) && e.code === 'MODEL_UNKNOWN_TOKEN') {
      throw new RedeskError('PATCH_BAD_ANSWER', `pair ${index + 1}: answer "${text}" is not a token of this model: ${e.message}`, { where: text });
    }
    throw e;
  }
  if (ids.length !== 1) {
    throw new RedeskError('PATCH_BAD_ANSWER', `pair ${index + 1}: answer "${text}" is ${ids.length} tokens; an answer must be exactly one token`, {
      where: text,
      hint: 'Give answers that the model tokenises as one token each (with BPE models, usually with a leading space).',
    });
  }
  return ids[0]!;
}

export function preparePairs(
  tok: Tokenizer,
  context: number,
  req: { pairs: PromptPair[]; metric: PatchMetric; answers?: [string, string] },
): PreparedPair[] {
  if (!METRICS.includes(req.metric)) {
    throw new RedeskError('PATCH_BAD_REQUEST', `unknown metric "${String(req.metric)}"; use ${METRICS.join(', ')}`, { where: 'metric' });
  }
  if (!Array.isArray(req.pairs) || req.pairs.length === 0) throw new RedeskError('PATCH_BAD_REQUEST', 'no prompt pairs given', { where: 'pairs' });
  return req.pairs.map((p, index) => {
    const clean = encodePrompt(tok, p.clean, 'clean', context, index);
    const corrupt = encodePrompt(tok, p.corrupt, 'corrupt', context, index);
    if (clean.length !== corrupt.length) {
      throw new RedeskError('PATCH_LENGTH_MISMATCH', `pair ${index + 1}: the clean prompt is ${clean.length} tokens, the corrupt one ${corrupt.length}`, {
        where: `pairs[${index}]`,
        hint: 'Path patching compares position by position: give prompts of the same token length.',
      });
    }
    let answers: [number, number] | null = null;
    if (req.metric !== 'kl') {
      const a = p.answers ?? req.answers;
      const need = req.metric === 'logit-diff' ? 2 : 1;
      if (!a || a.length < need || a.slice(0, need).some((x) => typeof x !== 'string')) {
        const what = need === 2 ? 'two answers (correct, incorrect)' : 'the correct answer';
        throw new RedeskError('PATCH_BAD_ANSWER', `pair ${index + 1}: the ${req.metric} metric needs ${what}`, { where: `pairs[${index}].answers` });
      }
      const first = answerId(tok, a[0], index);
      answers = [first, need === 2 ? answerId(tok, a[1], index) : first];
    }
    return { index, clean, corrupt, answers };
  });
}

/** Pairs of one token length run together. */
export function byLength(pairs: PreparedPair[]): PreparedPair[][] {
  const groups = new Map<number, PreparedPair[]>();
  for (const p of pairs) groups.set(p.clean.length, [...(groups.get(p.clean.length) ?? []), p]);
  return [...groups.values()];
}
