import type { BlockWeights, LayerNormWeights, MlpWeights, ModelConfig, ModelWeights, Tensor } from '../model/weights';
import { LN_EPS } from '../model/weights';
import { GraphBuilder } from './GraphBuilder';
import type { OnnxModel } from './onnxModel';

/**
 * The four kinds of ONNX part of a model folder (DESIGN.md "The path-patching explorer"; names and shapes are the
 * model format's). Dims "batch" and "pos" are dynamic; everything else is fixed by the weights.
 */

const PRODUCER = 'redesk';
/** Added to masked (future) attention scores: exp underflows to exactly 0, and unlike -inf it never makes NaN. */
const MASKED_SCORE = -1e30;

function weight(g: GraphBuilder, name: string, t: Tensor): string {
  return g.float(name, t.shape, t.data);
}

function layerNorm(g: GraphBuilder, x: string, ln: LayerNormWeights, prefix: string): string {
  return g.op('LayerNormalization', [x, weight(g, `${prefix}.w`, ln.w), weight(g, `${prefix}.b`, ln.b)], { axis: { int: -1 }, epsilon: LN_EPS });
}

export function buildEmbedPart(w: ModelWeights): OnnxModel {
  const g = new GraphBuilder('embed');
  const tokens = g.input('tokens', 'int64', ['batch', 'pos']);
  const tok = g.op('Gather', [weight(g, 'W_E', w.W_E), tokens], { axis: { int: 0 } });
  if (w.W_pos) {
    const pos = g.op('Shape', [tokens], { start: { int: 1 }, end: { int: 2 } });
    const rows = g.op('Slice', [weight(g, 'W_pos', w.W_pos), g.int64('zero', [1], [0]), pos, g.int64('axis0', [1], [0])]);
    g.op('Add', [tok, rows], {}, 'resid');
  } else {
    g.op('Identity', [tok], {}, 'resid');
  }
  g.output('resid', 'float32', ['batch', 'pos', w.config.dModel]);
  return g.model(PRODUCER);
}

/** The name of q_in's own length (see buildAttnPart). */
export const QUERY_DIM = 'qpos';

/**
 * Heads-major layout inside: each input is transposed to [heads, batch, pos, dModel] so that every product is a
 * batched MatMul over (head, batch) with the weights broadcast per head ([heads, 1, …]); MLAS runs these as GEMMs,
 * where Einsum with a per-head weight is slower on CPU.
 *
 * `q_in` has its own dynamic length `qpos` ≤ pos: the queries are the last qpos positions (query i is at position
 * pos − qpos + i, and the causal mask says so), and `head_out` and `pattern` have qpos rows. With qpos = pos it is
 * the plain attention layer; a caller that needs only the last position's output passes qpos = 1. The loader tells
 * such parts from older ones (whose q_in length had to be pos) by the dim's name, QUERY_DIM.
 */
export function buildAttnPart(cfg: ModelConfig, b: BlockWeights, layer: number): OnnxModel {
  const { heads: H, dModel: d, dHead } = cfg;
  const g = new GraphBuilder(`attn${layer}`);
  const perHead = (name: string, t: Tensor, rows: number, cols: number): string => g.float(name, [H, 1, rows, cols], t.data);
  const channel = (ch: 'q' | 'k' | 'v', W: Tensor, bias: Tensor): string => {
    let x = g.input(`${ch}_in`, 'float32', ['batch', ch === 'q' ? QUERY_DIM : 'pos', H, d]);
    if (b.ln1) x = layerNorm(g, x, b.ln1, `ln1_${ch}`);
    const headsFirst = g.op('Transpose', [x], { perm: [2, 0, 1, 3] });
    const upper = ch.toUpperCase();
    const proj = g.op('MatMul', [headsFirst, perHead(`W_${upper}`, W, d, dHead)]);
    return g.op('Add', [proj, perHead(`b_${upper}`, bias, 1, dHead)]);
  };
  const q = channel('q', b.W_Q, b.b_Q);
  const k = channel('k', b.W_K, b.b_K);
  const v = channel('v', b.W_V, b.b_V);

  // [heads, batch, query, key]
  const raw = g.op('MatMul', [q, g.op('Transpose', [k], { perm: [0, 1, 3, 2] })]);
  const scores = g.op('Mul', [raw, g.float('scale', [], [1 / Math.sqrt(dHead)])]);
  // Causal mask built from the dynamic lengths: key index > query position (pos − qpos + query index) is masked.
  const axes0 = g.int64('axes0', [1], [0]);
  const len = (input: string): string => g.op('Squeeze', [g.op('Shape', [input], { start: { int: 1 }, end: { int: 2 } }), axes0]);
  const posLen = len('k_in');
  const step = g.int64('step', [], [1]);
  const queryIdx = g.op('Unsqueeze', [g.op('Range', [g.op('Sub', [posLen, len('q_in')]), posLen, step]), g.int64('axes1', [1], [1])]);
  const keyIdx = g.op('Unsqueeze', [g.op('Range', [g.int64('start', [], [0]), posLen, step]), axes0]);
  const future = g.op('Greater', [keyIdx, queryIdx]);
  const masked = g.op('Where', [future, g.float('masked', [], [MASKED_SCORE]), scores]);
  const attn = g.op('Softmax', [masked], { axis: { int: -1 } });
  g.op('Transpose', [attn], { perm: [1, 0, 2, 3] }, 'pattern');
  const z = g.op('MatMul', [attn, v]);
  const out = g.op('MatMul', [z, perHead('W_O', b.W_O, dHead, d)]);
  g.op('Transpose', [out], { perm: [1, 2, 0, 3] }, 'head_out');
  g.op('Identity', [weight(g, 'b_O', b.b_O)], {}, 'bias');
  g.output('head_out', 'float32', ['batch', QUERY_DIM, H, d]);
  g.output('pattern', 'float32', ['batch', H, QUERY_DIM, 'pos']);
  g.output('bias', 'float32', [d]);
  return g.model(PRODUCER);
}

/** GPT-2's gelu_new: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). Opset 17 has no Gelu op. */
function geluTanh(g: GraphBuilder, x: string): string {
  const cube = g.op('Mul', [g.op('Mul', [x, x]), x]);
  const inner = g.op('Add', [x, g.op('Mul', [cube, g.float('gelu_c', [], [0.044715])])]);
  const t = g.op('Tanh', [g.op('Mul', [inner, g.float('gelu_k', [], [Math.sqrt(2 / Math.PI)])])]);
  const half = g.op('Mul', [x, g.float('half', [], [0.5])]);
  return g.op('Mul', [half, g.op('Add', [t, g.float('one', [], [1])])]);
}

export function buildMlpPart(cfg: ModelConfig, b: BlockWeights & { mlp: MlpWeights }, layer: number): OnnxModel {
  const g = new GraphBuilder(`mlp${layer}`);
  let x = g.input('x', 'float32', ['batch', 'pos', cfg.dModel]);
  if (b.ln2) x = layerNorm(g, x, b.ln2, 'ln2');
  const pre = g.op('Add', [g.op('MatMul', [x, weight(g, 'W_in', b.mlp.W_in)]), weight(g, 'b_in', b.mlp.b_in)]);
  const post = geluTanh(g, pre);
  g.op('Add', [g.op('MatMul', [post, weight(g, 'W_out', b.mlp.W_out)]), weight(g, 'b_out', b.mlp.b_out)], {}, 'out');
  g.output('out', 'float32', ['batch', 'pos', cfg.dModel]);
  return g.model(PRODUCER);
}

export function buildUnembedPart(w: ModelWeights): OnnxModel {
  const g = new GraphBuilder('unembed');
  let x = g.input('resid', 'float32', ['batch', 'pos', w.config.dModel]);
  if (w.lnFinal) x = layerNorm(g, x, w.lnFinal, 'ln_final');
  g.op('Add', [g.op('MatMul', [x, weight(g, 'W_U', w.W_U)]), weight(g, 'b_U', w.b_U)], {}, 'logits');
  g.output('logits', 'float32', ['batch', 'pos', w.config.vocabSize]);
  return g.model(PRODUCER);
}
