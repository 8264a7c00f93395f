/** What a sweep or explain request is made of, and what still stops one: pure, so the rules are tested alone. */
import type { ModelSummary, PromptPair } from '../../../main/common/patching/types';
import type { ExplorerState } from './explorerSlice';

/** The dataset's pairs when one is loaded, else the one pair typed in. */
export function currentPairs(x: ExplorerState): PromptPair[] {
  return x.dataset ? x.dataset.pairs : [{ clean: x.clean, corrupt: x.corrupt }];
}

/** The default answers, when both are filled in. */
export function defaultAnswers(x: ExplorerState): [string, string] | undefined {
  const [a, b] = [x.answers[0].trim() === '' ? '' : x.answers[0], x.answers[1].trim() === '' ? '' : x.answers[1]];
  return a && b ? [a, b] : undefined;
}

export function selectedModel(x: ExplorerState): ModelSummary | null {
  return x.models?.find((m) => m.id === x.modelId) ?? null;
}

/** Why a run cannot start yet, in words for the button's tooltip; null when it can. */
export function runBlocker(x: ExplorerState): string | null {
  const model = selectedModel(x);
  if (!model) return 'Choose a model';
  if (model.error) return `The model does not load (${model.error.code})`;
  if (!x.dataset) {
    if (x.clean === '') return 'Type a reference (clean) prompt';
    if (x.corrupt === '') return 'Type a counterfactual (corrupt) prompt';
    if (x.cleanTokens.status === 'error' || x.corruptTokens.status === 'error') return 'Fix the prompt errors first';
    const longest = Math.max(x.cleanTokens.result?.ids.length ?? 0, x.corruptTokens.result?.ids.length ?? 0);
    if (longest > model.context) return `A prompt is longer than the model's context (${model.context} tokens)`;
  }
  if (x.metric === 'logit-diff' && !defaultAnswers(x) && currentPairs(x).some((p) => !p.answers)) {
    return 'Logit difference needs two answer tokens (correct, incorrect)';
  }
  return null;
}

/** A warning (not a blocker: the host has the last word) when the two prompts tokenise to different lengths. */
export function lengthWarning(x: ExplorerState): string | null {
  const c = x.cleanTokens.result;
  const k = x.corruptTokens.result;
  if (x.dataset || !c || !k || x.cleanTokens.status !== 'ready' || x.corruptTokens.status !== 'ready') return null;
  return c.ids.length === k.ids.length ? null : `The prompts have ${c.ids.length} and ${k.ids.length} tokens: path patching compares position by position, so they need the same length`;
}
