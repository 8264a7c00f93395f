/**
 * What the Explorer view does with its inputs: navigation, the model list, prompts tokenised as they are typed
 * (debounced; a late answer for an older text is dropped), answers, metric and datasets of pairs.
 */
import { api } from '../api/client';
import { writeHash } from '../lib/hashRoute';
import { setState } from '../store/store';
import type { PatchMetric, ProviderName } from '../../../main/common/patching/types';
import { parseDataset } from './dataset';
import { emptyTokens, modelScoped, type ExplorerState, type TokensState } from './explorerSlice';
import { errorInfo, explorer, patchExplorer } from './explorerStore';
import { cancelExplain, cancelSweep, installProgress, loadAttention } from './runActions';

/** Long enough to wait out a burst of typing, short enough to feel live. */
const TOKENIZE_DELAY_MS = 250;

export function openExplorerView(): void {
  setState({ view: { kind: 'explorer' } });
  writeHash('#/explorer');
  installProgress();
  void loadModels();
  void loadProviders();
}

async function loadProviders(): Promise<void> {
  try {
    patchExplorer({ providers: await api.patchProviders() });
  } catch {
    patchExplorer({ providers: null }); // the select still offers every provider; results say which one ran
  }
}

export function explorerFromHash(): boolean {
  return window.location.hash === '#/explorer';
}

export async function loadModels(): Promise<void> {
  try {
    const models = await api.modelList();
    patchExplorer({ models, modelsError: undefined });
    const current = explorer().modelId;
    const first = models.find((m) => !m.error);
    if ((!current || !models.some((m) => m.id === current)) && first) selectModel(first.id);
  } catch (e) {
    patchExplorer({ models: [], modelsError: errorInfo(e) });
  }
}

export function selectModel(modelId: string): void {
  if (explorer().modelId === modelId) return;
  // Runs on the old model are of no use any more.
  if (explorer().sweep.status === 'running') void cancelSweep();
  if (explorer().explain.status === 'running') void cancelExplain();
  patchExplorer({ modelId, ...modelScoped() });
  const x = explorer();
  // The texts stay; they are read by the new model's tokenizer.
  for (const field of FIELDS) scheduleTokenize(field, textOf(x, field), 0);
}

type TokenField = 'clean' | 'corrupt' | 'answer0' | 'answer1';
const FIELDS: TokenField[] = ['clean', 'corrupt', 'answer0', 'answer1'];
const timers = new Map<TokenField, ReturnType<typeof setTimeout>>();

function textOf(x: ExplorerState, field: TokenField): string {
  return field === 'clean' ? x.clean : field === 'corrupt' ? x.corrupt : x.answers[field === 'answer0' ? 0 : 1];
}

function tokensOf(x: ExplorerState, field: TokenField): TokensState {
  return field === 'clean' ? x.cleanTokens : field === 'corrupt' ? x.corruptTokens : x.answerTokens[field === 'answer0' ? 0 : 1];
}

function setTokens(field: TokenField, t: TokensState): void {
  if (field === 'clean') patchExplorer({ cleanTokens: t });
  else if (field === 'corrupt') patchExplorer({ corruptTokens: t });
  else {
    const answerTokens: [TokensState, TokensState] = [...explorer().answerTokens];
    answerTokens[field === 'answer0' ? 0 : 1] = t;
    patchExplorer({ answerTokens });
  }
}

function scheduleTokenize(field: TokenField, text: string, delay = TOKENIZE_DELAY_MS): void {
  clearTimeout(timers.get(field));
  if (text === '') {
    setTokens(field, emptyTokens());
    return;
  }
  setTokens(field, { ...tokensOf(explorer(), field), status: 'loading', text });
  timers.set(
    field,
    setTimeout(() => void tokenize(field, text), delay),
  );
}

async function tokenize(field: TokenField, text: string): Promise<void> {
  const modelId = explorer().modelId;
  if (!modelId) return;
  let next: TokensState;
  try {
    next = { status: 'ready', text, result: await api.modelTokenize(modelId, text) };
  } catch (e) {
    next = { status: 'error', text, error: errorInfo(e) };
  }
  const x = explorer();
  // The user typed on, or chose another model, while this was out.
  if (x.modelId !== modelId || textOf(x, field) !== text) return;
  setTokens(field, next);
  if (field === 'clean' && next.status === 'ready') void loadAttention(text);
}

export function setClean(clean: string): void {
  patchExplorer({ clean });
  scheduleTokenize('clean', clean);
}

export function setCorrupt(corrupt: string): void {
  patchExplorer({ corrupt });
  scheduleTokenize('corrupt', corrupt);
}

export function setAnswer(which: 0 | 1, text: string): void {
  const answers: [string, string] = [...explorer().answers];
  answers[which] = text;
  patchExplorer({ answers });
  scheduleTokenize(which === 0 ? 'answer0' : 'answer1', text);
}

export function setMetric(metric: PatchMetric): void {
  patchExplorer({ metric });
}

export function setProvider(provider: ProviderName): void {
  patchExplorer({ provider });
}

export async function loadDatasetFile(file: File): Promise<void> {
  let text: string;
  try {
    text = await file.text();
  } catch (e) {
    patchExplorer({ datasetError: `Could not read ${file.name}: ${e instanceof Error ? e.message : String(e)}` });
    return;
  }
  const parsed = parseDataset(text);
  if (parsed.ok) patchExplorer({ dataset: { name: file.name, pairs: parsed.pairs }, datasetError: undefined });
  else patchExplorer({ dataset: null, datasetError: `${file.name}: ${parsed.error}` });
}

export function clearDataset(): void {
  patchExplorer({ dataset: null, datasetError: undefined });
}
