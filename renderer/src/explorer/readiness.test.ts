import { describe, expect, it } from 'vitest';
import type { ModelSummary } from '../../../main/common/patching/types';
import { explorerSlice, type ExplorerState } from './explorerSlice';
import { currentPairs, defaultAnswers, lengthWarning, runBlocker } from './readiness';

const model: ModelSummary = {
  id: 'm',
  name: 'M',
  dir: '/m',
  source: 'shipped',
  layers: 2,
  heads: 1,
  dModel: 16,
  dHead: 16,
  context: 32,
  vocabSize: 27,
  mlp: false,
  normalization: 'none',
  positional: 'learned',
  tokenizer: 'vocab',
};

function state(p: Partial<ExplorerState>): ExplorerState {
  return { ...explorerSlice().explorer, models: [model], modelId: 'm', ...p };
}

describe('what a run needs', () => {
  it('names the first missing input', () => {
    expect(runBlocker(state({ modelId: null }))).toBe('Choose a model');
    expect(runBlocker(state({ models: [{ ...model, error: { code: 'MODEL_BAD_ONNX', message: 'x' } }] }))).toMatch(/MODEL_BAD_ONNX/);
    expect(runBlocker(state({}))).toMatch(/clean/);
    expect(runBlocker(state({ clean: 'ABAB' }))).toMatch(/corrupt/);
    expect(runBlocker(state({ clean: 'ABAB', corrupt: 'ABCB' }))).toMatch(/two answer tokens/);
    expect(runBlocker(state({ clean: 'ABAB', corrupt: 'ABCB', metric: 'kl' }))).toBeNull();
    expect(runBlocker(state({ clean: 'ABAB', corrupt: 'ABCB', answers: ['A', 'C'] }))).toBeNull();
    expect(runBlocker(state({ clean: 'ABAB', corrupt: 'ABCB', answers: ['A', 'C'], cleanTokens: { status: 'error', text: 'ABAB', error: { code: 'MODEL_UNKNOWN_TOKEN', message: '' } } }))).toMatch(/errors/);
  });
  it('refuses prompts longer than the context before asking the host', () => {
    const ids = Array.from({ length: 33 }, () => 0);
    const long = { status: 'ready' as const, text: '', result: { ids, tokens: ids.map(String) } };
    expect(runBlocker(state({ clean: 'x', corrupt: 'y', metric: 'kl', cleanTokens: long }))).toMatch(/longer than the model's context \(32 tokens\)/);
  });
  it('takes the pairs and per-pair answers of a dataset over the typed prompts', () => {
    const dataset = { name: 'd.json', pairs: [{ clean: 'AB', corrupt: 'CB', answers: ['A', 'C'] as [string, string] }] };
    const x = state({ dataset, clean: 'ignored' });
    expect(currentPairs(x)).toEqual(dataset.pairs);
    expect(runBlocker(x)).toBeNull();
    expect(runBlocker(state({ dataset: { name: 'd', pairs: [{ clean: 'AB', corrupt: 'CB' }] } }))).toMatch(/answer/);
    expect(defaultAnswers(state({ answers: ['A', ' '] }))).toBeUndefined();
  });
  it('warns when the two prompts tokenise to different lengths', () => {
    const t = (ids: number[]) => ({ status: 'ready' as const, text: '', result: { ids, tokens: ids.map(String) } });
    expect(lengthWarning(state({ cleanTokens: t([1, 2, 3]), corruptTokens: t([1, 2]) }))).toMatch(/3 and 2 tokens/);
    expect(lengthWarning(state({ cleanTokens: t([1, 2]), corruptTokens: t([3, 4]) }))).toBeNull();
  });
});
