/**
 * A transformer's weights in memory, in TransformerLens layout (per-head W_Q/W_K/W_V [heads, dModel, dHead], W_O
 * [heads, dHead, dModel], W_U [dModel, vocab]). The importer maps GPT-2 and TransformerLens state dicts into it; the
 * ONNX part builders and the TypeScript reference forward pass both read it.
 */
import type { ModelShape } from '../../../common/patching/types';

export interface Tensor {
  shape: number[];
  data: Float32Array;
}

export interface LayerNormWeights {
  w: Tensor;
  b: Tensor;
}

export interface MlpWeights {
  W_in: Tensor;
  b_in: Tensor;
  W_out: Tensor;
  b_out: Tensor;
}

export interface BlockWeights {
  ln1?: LayerNormWeights;
  W_Q: Tensor;
  b_Q: Tensor;
  W_K: Tensor;
  b_K: Tensor;
  W_V: Tensor;
  b_V: Tensor;
  W_O: Tensor;
  b_O: Tensor;
  ln2?: LayerNormWeights;
  mlp?: MlpWeights;
}

export type ModelConfig = ModelShape;

export interface ModelWeights {
  config: ModelConfig;
  W_E: Tensor;
  /** [context, dModel]; absent when positional is "none". */
  W_pos?: Tensor;
  blocks: BlockWeights[];
  lnFinal?: LayerNormWeights;
  W_U: Tensor;
  b_U: Tensor;
}

/** Layer-norm epsilon used by GPT-2 and TransformerLens alike. */
export const LN_EPS = 1e-5;

export function tensor(shape: number[], data?: Float32Array | number[]): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const d = data === undefined ? new Float32Array(size) : data instanceof Float32Array ? data : Float32Array.from(data);
  if (d.length !== size) throw new Error(`tensor of shape [${shape.join(', ')}] needs ${size} values, got ${d.length}`);
  return { shape, data: d };
}
