/** Test-only helpers for the patching engine: the worker built as the app's build does, and the shipped models. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTestEntry } from '../../testEntry';
import { writeModelFolder } from '../import/importModel';
import type { BlockWeights, LayerNormWeights, ModelConfig, ModelWeights, Tensor } from '../model/weights';
import { tensor } from '../model/weights';
import { seededRandom } from '../../../common/seededRandom';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
export const HANDBUILT = join(repoRoot, 'resources/models/induction_handbuilt');
export const TRAINED = join(repoRoot, 'resources/models/attn_only_2l');

/** Builds patchWorkerMain.ts into node_modules/.cache so that onnxruntime-node resolves as from dist/node. */
export function buildTestWorker(): Promise<{ entry: string; cleanup: () => void }> {
  return buildTestEntry('main/node/patching/engine/patchWorkerMain.ts', 'patchWorker');
}

/**
 * A small random-weight model folder (seeded) written by the importer's own writer, for checks that must hold on any
 * model: layer norms and MLPs included. Tokens are t0…t{vocab−1}.
 */
export async function writeRandomModel(
  dir: string,
  o: { layers?: number; heads?: number; mlp?: boolean; seed?: number; dModel?: number; dHead?: number; context?: number; vocabSize?: number } = {},
): Promise<void> {
  const cfg: ModelConfig = {
    layers: o.layers ?? 2,
    heads: o.heads ?? 3,
    dModel: o.dModel ?? 24,
    dHead: o.dHead ?? 8,
    context: o.context ?? 24,
    vocabSize: o.vocabSize ?? 20,
    mlp: o.mlp ?? true,
    normalization: o.mlp === false ? 'none' : 'layernorm',
    positional: 'learned',
  };
  const rand = seededRandom(o.seed ?? 1);
  const normal = (shape: number[], scale: number): Tensor => {
    const t = tensor(shape);
    for (let i = 0; i < t.data.length; i++) t.data[i] = scale * Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
    return t;
  };
  const { dModel: d, dHead: e, heads: H, vocabSize: V } = cfg;
  const ln = (): LayerNormWeights | undefined =>
    cfg.normalization === 'layernorm' ? { w: tensor([d], Array.from({ length: d }, () => 1 + 0.2 * (rand() - 0.5))), b: normal([d], 0.1) } : undefined;
  const blocks: BlockWeights[] = Array.from({ length: cfg.layers }, () => ({
    ln1: ln(),
    W_Q: normal([H, d, e], 0.4),
    b_Q: normal([H, e], 0.1),
    W_K: normal([H, d, e], 0.4),
    b_K: normal([H, e], 0.1),
    W_V: normal([H, d, e], 0.3),
    b_V: normal([H, e], 0.1),
    W_O: normal([H, e, d], 0.3),
    b_O: normal([d], 0.1),
    ln2: cfg.mlp ? ln() : undefined,
    mlp: cfg.mlp ? { W_in: normal([d, 4 * d], 0.2), b_in: normal([4 * d], 0.1), W_out: normal([4 * d, d], 0.2), b_out: normal([d], 0.1) } : undefined,
  }));
  // Without layer norms the residual stream grows; smaller embeddings keep logits near 1 so 1e-5 means float32 noise.
  const embScale = cfg.normalization === 'layernorm' ? 1 : 0.5;
  const w: ModelWeights = { config: cfg, W_E: normal([V, d], embScale), W_pos: normal([cfg.context, d], embScale / 2), blocks, lnFinal: ln(), W_U: normal([d, V], 0.15), b_U: normal([V], 0.1) };
  mkdirSync(dir, { recursive: true });
  const tokens = Array.from({ length: V }, (_, i) => `t${i}`);
  await writeModelFolder(dir, w, { format: 'redesk-model/1', name: 'random test model', ...cfg, tokenizer: { kind: 'vocab', tokens } });
}
