/**
 * The path-patching explorer's wire types (DESIGN.md "The path-patching explorer"). Shared by the engine
 * (main/node/patching), the CLI (`redesk patch …`, `redesk model …`) and the Explorer view.
 *
 * Node names, used in paths, senders and receivers:
 *   embed            the embedding (token + position)
 *   L{l}H{h}         attention head h of layer l (as a sender: its write to the residual stream)
 *   L{l}H{h}.q|k|v   one input of that head (as a receiver, or a step of a path); a bare L{l}H{h} inside a path means
 *                    all three of its inputs
 *   L{l}.mlp         the MLP of layer l (sender, receiver or step)
 *   logits           the unembedding (the last step of every path; a receiver)
 */

export type HeadChannel = 'q' | 'k' | 'v';
/** ONNX Runtime execution providers: cpu always; the others where the user has installed them (else cpu is used). */
export const PROVIDERS = ['cpu', 'cuda', 'dml', 'coreml'] as const;
export type ProviderName = (typeof PROVIDERS)[number];
/** Whether a provider can run here: cpu always; another when this onnxruntime-node has it and its library is installed. */
export interface ProviderInfo {
  name: ProviderName;
  available: boolean;
  /** Why not, when not. */
  reason?: string;
}
export type PatchMetric = 'logit-diff' | 'loss' | 'kl';

/** A model's shape, as model.json gives it. */
export interface ModelShape {
  layers: number;
  heads: number;
  dModel: number;
  dHead: number;
  context: number;
  vocabSize: number;
  mlp: boolean;
  normalization: 'none' | 'layernorm';
  positional: 'learned' | 'none';
}

export interface ModelSummary extends ModelShape {
  /** Folder name; unique among the shipped and imported models. */
  id: string;
  name: string;
  dir: string;
  source: 'shipped' | 'imported';
  tokenizer: 'vocab' | 'bpe';
  /** Set when the folder does not load; the model is listed so the user sees why. */
  error?: { code: string; message: string };
}

export interface TokenizedText {
  ids: number[];
  /** Each token as text, for showing the prompt tokenised. */
  tokens: string[];
}

/** One reference/counterfactual pair; answers (correct, incorrect) are needed by logit-diff. */
export interface PromptPair {
  clean: string;
  corrupt: string;
  answers?: [string, string];
}

export interface PatchRunBase {
  /** Chosen by the caller; progress events and patchCancel name it. */
  jobId: string;
  modelId: string;
  pairs: PromptPair[];
  metric: PatchMetric;
  /** Default answers for pairs that give none. */
  answers?: [string, string];
  /** Execution provider to ask for (default: REDESK_ORT_PROVIDER or cpu); the result says which one ran. */
  provider?: ProviderName;
}

export type SweepRequest = PatchRunBase;

export interface SweepResult {
  modelId: string;
  /** Execution provider the run used (cpu, cuda, dml, coreml). */
  provider: string;
  metric: PatchMetric;
  pairs: number;
  positions: number;
  /** Row labels: embed, every head, every MLP, in order. */
  senders: string[];
  /** Column labels: every head input (q, k, v), every MLP, logits. */
  receivers: string[];
  /** Mean metric on the clean (reference) and corrupt (counterfactual) runs. */
  clean: number;
  corrupt: number;
  /**
   * cells[s][r]: mean metric when the path sender → receiver (and on to the logits) gets the counterfactual and
   * everything else the reference; null where the receiver is not downstream of the sender.
   */
  cells: (number | null)[][];
  /** cells as a share of the total effect: (cell − clean) / (corrupt − clean); null where cells is null. */
  effects: (number | null)[][];
  elapsedMs: number;
}

export interface ExplainRequest extends PatchRunBase {
  /** Each path a list of node names from "embed" to "logits", e.g. ["embed", "L0H1", "L1H2.k", "logits"]. */
  paths: string[][];
}

export interface ExplainResult {
  modelId: string;
  provider: string;
  metric: PatchMetric;
  /** 1 − AUE/ATE averaged over the pairs: listed paths get the reference, all others the counterfactual. */
  proportionExplained: number;
  ate: number;
  aue: number;
  perPair: { clean: number; corrupt: number; patched: number }[];
  elapsedMs: number;
}

export interface AttentionResult {
  tokens: string[];
  /** patterns[layer][head][query][key] */
  patterns: number[][][][];
}

export interface PatchProgress {
  jobId: string;
  done: number;
  total: number;
  phase: string;
}
