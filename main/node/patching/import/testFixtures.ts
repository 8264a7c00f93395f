/**
 * Random-weight models for tests (seeded, so a failing fixture can be rebuilt exactly), and GPT-2 (Hugging Face)
 * state dicts made from them: used by the importer's tests and by the Python GPT-2 the nanogpt_chat_rl scorer runs.
 */
import { tensor, type ModelConfig, type ModelWeights, type Tensor } from '../model/weights';
import { seededRandom } from '../../../common/seededRandom';


export function randomWeights(cfg: ModelConfig, seed: number, dMlp = 4 * cfg.dModel): ModelWeights {
  const r = seededRandom(seed);
  const rand = (shape: number[], scale = 0.3): Tensor => tensor(shape, Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (r() * 2 - 1) * scale));
  const ln = () => (cfg.normalization === 'layernorm' ? { w: rand([cfg.dModel], 0.5), b: rand([cfg.dModel], 0.2) } : undefined);
  const { dModel: d, heads: H, dHead: e, vocabSize: V } = cfg;
  const lnw = (x: ReturnType<typeof ln>) => (x ? { w: tensor([d], x.w.data.map((v) => v + 1)), b: x.b } : undefined);
  return {
    config: cfg,
    W_E: rand([V, d], 1),
    W_pos: cfg.positional === 'learned' ? rand([cfg.context, d], 0.5) : undefined,
    blocks: Array.from({ length: cfg.layers }, () => ({
      ln1: lnw(ln()),
      W_Q: rand([H, d, e]),
      b_Q: rand([H, e], 0.1),
      W_K: rand([H, d, e]),
      b_K: rand([H, e], 0.1),
      W_V: rand([H, d, e]),
      b_V: rand([H, e], 0.1),
      W_O: rand([H, e, d]),
      b_O: rand([d], 0.1),
      ...(cfg.mlp ? { ln2: lnw(ln()), mlp: { W_in: rand([d, dMlp]), b_in: rand([dMlp], 0.1), W_out: rand([dMlp, d]), b_out: rand([d], 0.1) } } : {}),
    })),
    lnFinal: lnw(ln()),
    W_U: rand([d, V]),
    b_U: cfg.normalization === 'layernorm' ? rand([V], 0.1) : tensor([V]),
  };
}

/** The inverse of the importer's GPT-2 mapping, written out independently: fuse per-head Q/K/V into c_attn (Conv1D). */
export function gpt2Dict(w: ModelWeights, prefix: string, tied: boolean): Record<string, Tensor> {
  const { dModel: d, heads: H, dHead: e, vocabSize: V } = w.config;
  const sd: Record<string, Tensor> = { [`${prefix}wte.weight`]: w.W_E, [`${prefix}wpe.weight`]: w.W_pos!, [`${prefix}ln_f.weight`]: w.lnFinal!.w, [`${prefix}ln_f.bias`]: w.lnFinal!.b };
  w.blocks.forEach((b, l) => {
    const p = `${prefix}h.${l}.`;
    const cAttn = new Float32Array(d * 3 * d);
    const cAttnB = new Float32Array(3 * d);
    [b.W_Q, b.W_K, b.W_V].forEach((W, which) => {
      const bias = [b.b_Q, b.b_K, b.b_V][which]!;
      for (let h = 0; h < H; h++) {
        for (let j = 0; j < e; j++) {
          const col = which * d + h * e + j;
          cAttnB[col] = bias.data[h * e + j]!;
          for (let i = 0; i < d; i++) cAttn[i * 3 * d + col] = W.data[(h * d + i) * e + j]!;
        }
      }
    });
    Object.assign(sd, {
      [`${p}ln_1.weight`]: b.ln1!.w,
      [`${p}ln_1.bias`]: b.ln1!.b,
      [`${p}attn.c_attn.weight`]: tensor([d, 3 * d], cAttn),
      [`${p}attn.c_attn.bias`]: tensor([3 * d], cAttnB),
      [`${p}attn.c_proj.weight`]: tensor([d, d], b.W_O.data),
      [`${p}attn.c_proj.bias`]: b.b_O,
      // GPT-2 checkpoints carry the causal-mask buffer; the importer must skip it.
      [`${p}attn.bias`]: tensor([1, 1, 4, 4], new Float32Array(16).fill(1)),
      [`${p}ln_2.weight`]: b.ln2!.w,
      [`${p}ln_2.bias`]: b.ln2!.b,
      [`${p}mlp.c_fc.weight`]: b.mlp!.W_in,
      [`${p}mlp.c_fc.bias`]: b.mlp!.b_in,
      [`${p}mlp.c_proj.weight`]: b.mlp!.W_out,
      [`${p}mlp.c_proj.bias`]: b.mlp!.b_out,
    });
  });
  if (!tied) {
    const lm = new Float32Array(V * d);
    for (let i = 0; i < d; i++) for (let t = 0; t < V; t++) lm[t * d + i] = w.W_U.data[i * V + t]!;
    sd['lm_head.weight'] = tensor([V, d], lm);
  }
  return sd;
}

