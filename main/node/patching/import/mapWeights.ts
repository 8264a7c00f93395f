import { RedeskError } from '../../../common/errors';
import { tensor, type BlockWeights, type LayerNormWeights, type ModelWeights, type Tensor } from '../model/weights';

/**
 * State dicts → ModelWeights. `tlens`: TransformerLens names (already per head). `gpt2`: Hugging Face GPT-2 names,
 * Conv1D layout (x @ W), Q/K/V fused in c_attn, heads split by column blocks of dHead.
 */

export type Arch = 'gpt2' | 'tlens';

class Dict {
  constructor(
    private readonly tensors: Map<string, Tensor>,
    private readonly prefix = '',
  ) {}

  has(name: string): boolean {
    return this.tensors.has(this.prefix + name);
  }

  /** The tensor, checked against the expected shape (-1: any size, learned from the tensor). */
  get(name: string, shape: number[]): Tensor {
    const t = this.tensors.get(this.prefix + name);
    const want = `[${shape.map((d) => (d < 0 ? '?' : d)).join(', ')}]`;
    if (!t) {
      throw new RedeskError('MODEL_IMPORT_INVALID', `tensor ${this.prefix + name} ${want} is missing`, {
        where: this.prefix + name,
        hint: 'Check --arch: gpt2 expects Hugging Face GPT-2 names, tlens expects TransformerLens state-dict names.',
      });
    }
    if (t.shape.length !== shape.length || shape.some((d, i) => d >= 0 && d !== t.shape[i])) {
      throw new RedeskError('MODEL_IMPORT_INVALID', `tensor ${this.prefix + name} has shape [${t.shape.join(', ')}], expected ${want}`, {
        where: this.prefix + name,
      });
    }
    return t;
  }
}

function layerNorm(dict: Dict, w: string, b: string, d: number): LayerNormWeights | undefined {
  if (!dict.has(w)) return undefined;
  return { w: dict.get(w, [d]), b: dict.get(b, [d]) };
}

function countLayers(tensors: Map<string, Tensor>, pattern: RegExp): number {
  let n = 0;
  for (const name of tensors.keys()) {
    const m = pattern.exec(name);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  return n;
}

function noLayers(): RedeskError {
  return new RedeskError('MODEL_IMPORT_INVALID', 'no transformer blocks found in the weights', {
    hint: 'Check --arch: gpt2 expects h.{l}.attn.c_attn.weight, tlens expects blocks.{l}.attn.W_Q.',
  });
}

/**
 * `foldedLn`: the state dict comes from TransformerLens with fold_ln (LNPre: layer norms that only centre and
 * scale; their weights were folded into the next matrices), so each missing layer norm is an identity-affine one.
 */
export function mapTlens(tensors: Map<string, Tensor>, opts: { foldedLn?: boolean } = {}): ModelWeights {
  const dict = new Dict(tensors);
  const W_E = dict.get('embed.W_E', [-1, -1]);
  const [vocabSize, d] = W_E.shape as [number, number];
  const layers = countLayers(tensors, /^blocks\.(\d+)\.attn\.W_Q$/);
  if (layers === 0) throw noLayers();
  const [heads, , dHead] = dict.get('blocks.0.attn.W_Q', [-1, d, -1]).shape as [number, number, number];
  const W_pos = dict.has('pos_embed.W_pos') ? dict.get('pos_embed.W_pos', [-1, d]) : undefined;
  const blocks: BlockWeights[] = [];
  for (let l = 0; l < layers; l++) {
    const p = `blocks.${l}.`;
    const block: BlockWeights = {
      ln1: layerNorm(dict, `${p}ln1.w`, `${p}ln1.b`, d),
      W_Q: dict.get(`${p}attn.W_Q`, [heads, d, dHead]),
      b_Q: dict.get(`${p}attn.b_Q`, [heads, dHead]),
      W_K: dict.get(`${p}attn.W_K`, [heads, d, dHead]),
      b_K: dict.get(`${p}attn.b_K`, [heads, dHead]),
      W_V: dict.get(`${p}attn.W_V`, [heads, d, dHead]),
      b_V: dict.get(`${p}attn.b_V`, [heads, dHead]),
      W_O: dict.get(`${p}attn.W_O`, [heads, dHead, d]),
      b_O: dict.get(`${p}attn.b_O`, [d]),
    };
    if (dict.has(`${p}mlp.W_in`)) {
      const W_in = dict.get(`${p}mlp.W_in`, [d, -1]);
      const dMlp = W_in.shape[1]!;
      block.ln2 = layerNorm(dict, `${p}ln2.w`, `${p}ln2.b`, d);
      block.mlp = { W_in, b_in: dict.get(`${p}mlp.b_in`, [dMlp]), W_out: dict.get(`${p}mlp.W_out`, [dMlp, d]), b_out: dict.get(`${p}mlp.b_out`, [d]) };
    }
    blocks.push(block);
  }
  const W_U = dict.get('unembed.W_U', [d, vocabSize]);
  const b_U = dict.has('unembed.b_U') ? dict.get('unembed.b_U', [vocabSize]) : tensor([vocabSize]);
  let lnFinal = layerNorm(dict, 'ln_final.w', 'ln_final.b', d);
  if (opts.foldedLn) {
    const identity = (): LayerNormWeights => ({ w: tensor([d], new Float32Array(d).fill(1)), b: tensor([d]) });
    for (const b of blocks) {
      b.ln1 ??= identity();
      if (b.mlp) b.ln2 ??= identity();
    }
    lnFinal ??= identity();
  }
  return finish({ W_E, W_pos, blocks, lnFinal, W_U, b_U }, heads, dHead);
}

/** Columns [from, from + width) of a row-major [rows, cols] matrix. */
function columns(t: Tensor, from: number, width: number): Float32Array {
  const [rows, cols] = t.shape as [number, number];
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) out.set(t.data.subarray(r * cols + from, r * cols + from + width), r * width);
  return out;
}

function transpose(t: Tensor): Tensor {
  const [rows, cols] = t.shape as [number, number];
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = t.data[r * cols + c]!;
  return tensor([cols, rows], out);
}

export function mapGpt2(tensors: Map<string, Tensor>, heads: number | undefined): ModelWeights {
  const prefixed = [...tensors.keys()].some((k) => k.startsWith('transformer.'));
  const dict = new Dict(tensors, prefixed ? 'transformer.' : '');
  const W_E = dict.get('wte.weight', [-1, -1]);
  const [vocabSize, d] = W_E.shape as [number, number];
  const layers = countLayers(tensors, /^(?:transformer\.)?h\.(\d+)\.attn\.c_attn\.weight$/);
  if (layers === 0) throw noLayers();
  if (!heads || heads <= 0 || d % heads !== 0) {
    throw new RedeskError('MODEL_IMPORT_INVALID', `--heads is needed for gpt2 weights and must divide dModel (${d})`, { where: '--heads' });
  }
  const dHead = d / heads;
  const W_pos = dict.has('wpe.weight') ? dict.get('wpe.weight', [-1, d]) : undefined;
  const blocks: BlockWeights[] = [];
  for (let l = 0; l < layers; l++) {
    const p = `h.${l}.`;
    const cAttn = dict.get(`${p}attn.c_attn.weight`, [d, 3 * d]);
    const cAttnB = dict.get(`${p}attn.c_attn.bias`, [3 * d]);
    const cProj = dict.get(`${p}attn.c_proj.weight`, [d, d]);
    const perHead = (which: number): { W: Tensor; b: Tensor } => {
      const W = new Float32Array(heads * d * dHead);
      const b = new Float32Array(heads * dHead);
      for (let h = 0; h < heads; h++) {
        const from = which * d + h * dHead;
        W.set(columns(cAttn, from, dHead), h * d * dHead);
        b.set(cAttnB.data.subarray(from, from + dHead), h * dHead);
      }
      return { W: tensor([heads, d, dHead], W), b: tensor([heads, dHead], b) };
    };
    const q = perHead(0);
    const k = perHead(1);
    const v = perHead(2);
    const block: BlockWeights = {
      ln1: layerNorm(dict, `${p}ln_1.weight`, `${p}ln_1.bias`, d),
      W_Q: q.W,
      b_Q: q.b,
      W_K: k.W,
      b_K: k.b,
      W_V: v.W,
      b_V: v.b,
      // c_proj rows h·dHead … (h+1)·dHead − 1 are head h's W_O.
      W_O: tensor([heads, dHead, d], cProj.data.slice()),
      b_O: dict.get(`${p}attn.c_proj.bias`, [d]),
    };
    if (dict.has(`${p}mlp.c_fc.weight`)) {
      const W_in = dict.get(`${p}mlp.c_fc.weight`, [d, -1]);
      const dMlp = W_in.shape[1]!;
      block.ln2 = layerNorm(dict, `${p}ln_2.weight`, `${p}ln_2.bias`, d);
      block.mlp = {
        W_in,
        b_in: dict.get(`${p}mlp.c_fc.bias`, [dMlp]),
        W_out: dict.get(`${p}mlp.c_proj.weight`, [dMlp, d]),
        b_out: dict.get(`${p}mlp.c_proj.bias`, [d]),
      };
    }
    blocks.push(block);
  }
  // lm_head sits outside the transformer prefix; tied to wte when absent.
  const lmHead = tensors.get('lm_head.weight');
  const W_U = lmHead ? transpose(new Dict(tensors).get('lm_head.weight', [vocabSize, d])) : transpose(W_E);
  const lnFinal = layerNorm(dict, 'ln_f.weight', 'ln_f.bias', d);
  return finish({ W_E, W_pos, blocks, lnFinal, W_U, b_U: tensor([vocabSize]) }, heads, dHead);
}

function finish(w: Omit<ModelWeights, 'config'>, heads: number, dHead: number): ModelWeights {
  const [vocabSize, dModel] = w.W_E.shape as [number, number];
  const hasLn = w.blocks.some((b) => b.ln1 || b.ln2) || w.lnFinal !== undefined;
  if (hasLn && (w.blocks.some((b) => !b.ln1 || (b.mlp && !b.ln2)) || !w.lnFinal)) {
    throw new RedeskError('MODEL_IMPORT_INVALID', 'the weights have some layer norms but not all (ln1, ln2 for MLPs, and the final one)', {
      hint: 'Import either a model with every layer norm or one with none (for example with the layer norms folded).',
    });
  }
  const hasMlp = w.blocks.some((b) => b.mlp);
  if (hasMlp && w.blocks.some((b) => !b.mlp)) {
    throw new RedeskError('MODEL_IMPORT_INVALID', 'some blocks have an MLP and some do not; every block must have one, or none');
  }
  return {
    ...w,
    config: {
      layers: w.blocks.length,
      heads,
      dModel,
      dHead,
      context: w.W_pos ? w.W_pos.shape[0]! : 1024,
      vocabSize,
      mlp: hasMlp,
      normalization: hasLn ? 'layernorm' : 'none',
      positional: w.W_pos ? 'learned' : 'none',
    },
  };
}
