/**
 * The explorer's runs on the host: the sweep and the hypothesis's explain (long, with progress events for their job
 * id and a cancel), the attention patterns of the clean prompt, and the hypothesis's list of paths.
 */
import { api, onEvent } from '../api/client';
import type { PatchProgress } from '../../../main/common/patching/types';
import type { RunState } from './explorerSlice';
import { errorInfo, explorer, patchExplorer } from './explorerStore';
import { formatPath, parsePath, samePath } from './paths';
import { currentPairs, defaultAnswers, runBlocker, selectedModel } from './readiness';

let progressInstalled = false;

/** One listener for the app's life: progress events name their job, and only the running ones are shown. */
export function installProgress(): void {
  if (progressInstalled) return;
  progressInstalled = true;
  onEvent('patch.progress', (p: PatchProgress) => {
    const x = explorer();
    if (x.sweep.status === 'running' && x.sweep.jobId === p.jobId) patchExplorer({ sweep: { ...x.sweep, progress: p } });
    else if (x.explain.status === 'running' && x.explain.jobId === p.jobId) patchExplorer({ explain: { ...x.explain, progress: p } });
  });
}

function newJobId(kind: string): string {
  const rand = typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
  return `${kind}-${rand}`;
}

/** How a run that threw ended: cancelled by the user, or failed with the host's code. */
function failed<R>(e: unknown): RunState<R> {
  const error = errorInfo(e);
  return error.code === 'PATCH_CANCELLED' ? { status: 'cancelled' } : { status: 'error', error };
}

export async function runSweep(): Promise<void> {
  const x = explorer();
  if (runBlocker(x) || x.sweep.status === 'running' || !x.modelId) return;
  const jobId = newJobId('sweep');
  const request = { jobId, modelId: x.modelId, pairs: currentPairs(x), metric: x.metric, answers: defaultAnswers(x), provider: x.provider };
  // The last result stays on screen while the next runs, and after it fails or is cancelled.
  const previous = x.sweep.result;
  patchExplorer({ sweep: { status: 'running', jobId, result: previous } });
  try {
    const result = await api.patchSweep(request);
    if (explorer().sweep.jobId !== jobId) return;
    patchExplorer({ sweep: { status: 'ready', result }, sweepRequest: request, selectedCell: null });
  } catch (e) {
    if (explorer().sweep.jobId !== jobId) return;
    patchExplorer({ sweep: { ...failed(e), result: previous } });
  }
}

async function cancel(jobId: string | undefined, which: 'sweep' | 'explain'): Promise<void> {
  if (!jobId) return;
  try {
    await api.patchCancel(jobId);
  } catch (e) {
    const run = explorer()[which];
    if (run.jobId === jobId && run.status === 'running') patchExplorer({ [which]: { ...run, error: errorInfo(e) } });
  }
}

export function cancelSweep(): Promise<void> {
  return cancel(explorer().sweep.jobId, 'sweep');
}

export function selectCell(cell: { row: number; col: number } | null): void {
  patchExplorer({ selectedCell: cell });
}

/** The patterns of every head for one text; the layer and head shown are kept across texts. */
export async function loadAttention(text: string): Promise<void> {
  const { modelId, attention } = explorer();
  if (!modelId || text === '') return;
  patchExplorer({ attention: { ...attention, status: 'loading', text, error: undefined } });
  try {
    const result = await api.patchAttention(modelId, text);
    const now = explorer();
    if (now.modelId !== modelId || now.attention.text !== text) return;
    patchExplorer({ attention: { ...now.attention, status: 'ready', result } });
  } catch (e) {
    const now = explorer();
    if (now.modelId !== modelId || now.attention.text !== text) return;
    patchExplorer({ attention: { ...now.attention, status: 'error', result: undefined, error: errorInfo(e) } });
  }
}

export function showHead(layer: number, head: number): void {
  patchExplorer({ attention: { ...explorer().attention, layer, head } });
}

export function setPathDraft(pathDraft: string): void {
  patchExplorer({ pathDraft, pathError: undefined });
}

/** The hypothesis changed: an explain of the old one is stale (cancelled if it still runs). */
function staleExplain(): RunState<never> {
  const run = explorer().explain;
  if (run.status === 'running') void cancel(run.jobId, 'explain');
  return { status: 'idle' };
}

/** Adds a path to the hypothesis; false (with the reason shown) when it does not parse or is already there. */
export function addPath(path: string[]): boolean {
  const x = explorer();
  if (x.paths.some((p) => samePath(p, path))) {
    patchExplorer({ pathError: `${formatPath(path)} is already in the hypothesis` });
    return false;
  }
  patchExplorer({ paths: [...x.paths, path], pathError: undefined, explain: staleExplain() });
  return true;
}

export function addDraftPath(): void {
  const x = explorer();
  const model = selectedModel(x);
  if (!model) return;
  const parsed = parsePath(x.pathDraft, model);
  if (!parsed.ok) {
    patchExplorer({ pathError: parsed.error });
    return;
  }
  if (addPath(parsed.path)) patchExplorer({ pathDraft: '' });
}

export function removePath(index: number): void {
  const paths = explorer().paths.filter((_, i) => i !== index);
  patchExplorer({ paths, pathError: undefined, explain: staleExplain() });
}

export async function runExplain(): Promise<void> {
  const x = explorer();
  if (runBlocker(x) || x.paths.length === 0 || x.explain.status === 'running' || !x.modelId) return;
  const jobId = newJobId('explain');
  patchExplorer({ explain: { status: 'running', jobId, result: x.explain.result } });
  try {
    const result = await api.patchExplain({ jobId, modelId: x.modelId, pairs: currentPairs(x), metric: x.metric, answers: defaultAnswers(x), paths: x.paths, provider: x.provider });
    if (explorer().explain.jobId !== jobId) return;
    patchExplorer({ explain: { status: 'ready', result } });
  } catch (e) {
    if (explorer().explain.jobId !== jobId) return;
    patchExplorer({ explain: { ...failed(e), result: x.explain.result } });
  }
}

export function cancelExplain(): Promise<void> {
  return cancel(explorer().explain.jobId, 'explain');
}
