import * as ort from 'onnxruntime-node';
import type { LoadedModel } from './types';

/**
 * One plain (unpatched) forward pass through a model folder's ONNX parts, wired as the model format says:
 * resid_pre[0] = embed; attn l reads resid_pre[l] on Q, K and V; resid_mid = resid_pre + Σ head_out + bias; mlp
 * reads resid_mid; unembed reads the last residual. For checking a folder end to end (tests, the import check);
 * the path-patching engine has its own cached, batched runner.
 */

export interface PartsOutput {
  /** [pos, vocab] */
  logits: Float32Array;
  /** Per layer: [heads, pos, pos]. */
  patterns: Float32Array[];
}

export async function partsForward(model: LoadedModel, tokens: number[]): Promise<PartsOutput> {
  const { heads: H, dModel: d } = model.spec;
  const P = tokens.length;
  const open = (path: string): Promise<ort.InferenceSession> => ort.InferenceSession.create(path);
  const sessions: ort.InferenceSession[] = [];
  const run = async (path: string, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> => {
    const s = await open(path);
    sessions.push(s);
    return s.run(feeds);
  };
  try {
    const embedOut = await run(model.parts.embed, { tokens: new ort.Tensor('int64', BigInt64Array.from(tokens.map(BigInt)), [1, P]) });
    const resid = new Float32Array(embedOut.resid!.data as Float32Array);
    const patterns: Float32Array[] = [];
    for (let l = 0; l < model.spec.layers; l++) {
      const perHead = new Float32Array(P * H * d);
      for (let p = 0; p < P; p++) for (let h = 0; h < H; h++) perHead.set(resid.subarray(p * d, (p + 1) * d), (p * H + h) * d);
      const x = new ort.Tensor('float32', perHead, [1, P, H, d]);
      const o = await run(model.parts.attn[l]!, { q_in: x, k_in: x, v_in: x });
      const headOut = o.head_out!.data as Float32Array;
      const bias = o.bias!.data as Float32Array;
      for (let p = 0; p < P; p++) {
        for (let i = 0; i < d; i++) {
          let s = bias[i]!;
          for (let h = 0; h < H; h++) s += headOut[(p * H + h) * d + i]!;
          resid[p * d + i]! += s;
        }
      }
      patterns.push(new Float32Array(o.pattern!.data as Float32Array));
      const mlp = model.parts.mlp[l];
      if (mlp) {
        const out = (await run(mlp, { x: new ort.Tensor('float32', resid.slice(), [1, P, d]) })).out!.data as Float32Array;
        for (let i = 0; i < resid.length; i++) resid[i]! += out[i]!;
      }
    }
    const logits = (await run(model.parts.unembed, { resid: new ort.Tensor('float32', resid, [1, P, d]) })).logits!.data as Float32Array;
    return { logits: new Float32Array(logits), patterns };
  } finally {
    await Promise.all(sessions.map((s) => s.release()));
  }
}
