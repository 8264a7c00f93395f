/**
 * The Explorer view's slice: the models, the prompts (or a dataset of pairs) and their tokens, the metric, and the
 * latest sweep, attention patterns and hypothesis. Results are small (a matrix of senders × receivers); activations
 * never come to the renderer.
 */
import type { AttentionResult, ExplainResult, ModelSummary, PatchMetric, PatchProgress, PromptPair, ProviderInfo, ProviderName, SweepRequest, SweepResult, TokenizedText } from '../../../main/common/patching/types';

export interface ErrorInfo {
  code: string;
  message: string;
}

/** A text as the model reads it: tokens once the host has tokenised it, or why it could not. */
export interface TokensState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** The text these tokens (or this error) belong to. */
  text: string;
  result?: TokenizedText;
  error?: ErrorInfo;
}

/** A long run (sweep or explain): its job id while it runs, its progress, and how it ended. */
export interface RunState<R> {
  status: 'idle' | 'running' | 'ready' | 'error' | 'cancelled';
  jobId?: string;
  progress?: PatchProgress;
  result?: R;
  error?: ErrorInfo;
}

export interface ExplorerState {
  models: ModelSummary[] | null;
  modelsError?: ErrorInfo;
  modelId: string | null;
  clean: string;
  corrupt: string;
  cleanTokens: TokensState;
  corruptTokens: TokensState;
  /** [correct, incorrect]: the default answers of every pair that gives none. */
  answers: [string, string];
  answerTokens: [TokensState, TokensState];
  metric: PatchMetric;
  /** The execution provider asked for; each result says which one ran (cpu where the other is not installed). */
  provider: ProviderName;
  /** What each provider can do here (null until asked). */
  providers: ProviderInfo[] | null;
  dataset: { name: string; pairs: PromptPair[] } | null;
  datasetError?: string;
  /** The request the shown sweep answered (its prompts stay with it while the inputs change). */
  sweepRequest?: SweepRequest;
  sweep: RunState<SweepResult>;
  selectedCell: { row: number; col: number } | null;
  attention: { status: 'idle' | 'loading' | 'ready' | 'error'; text: string; result?: AttentionResult; error?: ErrorInfo; layer: number; head: number };
  paths: string[][];
  pathDraft: string;
  pathError?: string;
  explain: RunState<ExplainResult>;
}

export interface ExplorerSlice {
  explorer: ExplorerState;
}

export const emptyTokens = (): TokensState => ({ status: 'idle', text: '' });

/** What belongs to one model: cleared when another model is chosen. */
export const modelScoped = (): Pick<
  ExplorerState,
  'cleanTokens' | 'corruptTokens' | 'answerTokens' | 'sweep' | 'sweepRequest' | 'selectedCell' | 'attention' | 'paths' | 'pathError' | 'explain'
> => ({
  cleanTokens: emptyTokens(),
  corruptTokens: emptyTokens(),
  answerTokens: [emptyTokens(), emptyTokens()],
  sweep: { status: 'idle' },
  sweepRequest: undefined,
  selectedCell: null,
  attention: { status: 'idle', text: '', layer: 0, head: 0 },
  paths: [],
  pathError: undefined,
  explain: { status: 'idle' },
});

export const explorerSlice = (): ExplorerSlice => ({
  explorer: {
    models: null,
    modelId: null,
    clean: '',
    corrupt: '',
    answers: ['', ''],
    metric: 'logit-diff',
    provider: 'cpu',
    providers: null,
    dataset: null,
    pathDraft: '',
    ...modelScoped(),
  },
});
