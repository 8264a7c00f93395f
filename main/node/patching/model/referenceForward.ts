import { LN_EPS, type LayerNormWeights, type ModelWeights } from './weights';

/**
 * A plain TypeScript forward pass (float64 arithmetic, no ONNX) over the same in-memory weights the importer turns
 * into ONNX parts: the independent reference that the parts are tested against. One sequence at a time.
 */

export interface ReferenceOutput {
  /** [pos, vocab], row-major. */
  logits: Float64Array;
  /** Per layer: [heads, pos (query), pos (key)]. */
  patterns: Float64Array[];
}

function layerNorm(x: Float64Array, P: number, d: number, ln: LayerNormWeights | undefined): Float64Array {
  if (!ln) return x;
  const out = new Float64Array(P * d);
  for (let p = 0; p < P; p++) {
    let mean = 0;
    for (let i = 0; i < d; i++) mean += x[p * d + i]!;
    mean /= d;
    let v = 0;
    for (let i = 0; i < d; i++) v += (x[p * d + i]! - mean) ** 2;
    const inv = 1 / Math.sqrt(v / d + LN_EPS);
    for (let i = 0; i < d; i++) out[p * d + i] = (x[p * d + i]! - mean) * inv * ln.w.data[i]! + ln.b.data[i]!;
  }
  return out;
}

/** x [P, n] times W [n, m] (+ bias [m]). */
function matmul(x: Float64Array, P: number, n: number, W: Float32Array, m: number, bias?: Float32Array, wOffset = 0): Float64Array {
  const out = new Float64Array(P * m);
  for (let p = 0; p < P; p++) {
    for (let j = 0; j < m; j++) {
      let s = bias ? bias[j]! : 0;
      for (let i = 0; i < n; i++) s += x[p * n + i]! * W[wOffset + i * m + j]!;
      out[p * m + j] = s;
    }
  }
  return out;
}

function gelu(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
}

export function referenceForward(w: ModelWeights, tokens: number[]): ReferenceOutput {
  const { dModel: d, heads: H, dHead: e, vocabSize: V } = w.config;
  const P = tokens.length;
  const resid = new Float64Array(P * d);
  tokens.forEach((t, p) => {
    for (let i = 0; i < d; i++) resid[p * d + i] = w.W_E.data[t * d + i]! + (w.W_pos ? w.W_pos.data[p * d + i]! : 0);
  });
  const patterns: Float64Array[] = [];
  for (const b of w.blocks) {
    const x = layerNorm(resid, P, d, b.ln1);
    const pattern = new Float64Array(H * P * P);
    const attnOut = new Float64Array(P * d);
    for (let h = 0; h < H; h++) {
      const off = h * d * e;
      const q = matmul(x, P, d, b.W_Q.data, e, b.b_Q.data.subarray(h * e, (h + 1) * e), off);
      const k = matmul(x, P, d, b.W_K.data, e, b.b_K.data.subarray(h * e, (h + 1) * e), off);
      const v = matmul(x, P, d, b.W_V.data, e, b.b_V.data.subarray(h * e, (h + 1) * e), off);
      const z = new Float64Array(P * e);
      for (let qi = 0; qi < P; qi++) {
        const scores: number[] = [];
        for (let ki = 0; ki <= qi; ki++) {
          let s = 0;
          for (let j = 0; j < e; j++) s += q[qi * e + j]! * k[ki * e + j]!;
          scores.push(s / Math.sqrt(e));
        }
        const max = Math.max(...scores);
        const exps = scores.map((s) => Math.exp(s - max));
        const sum = exps.reduce((a, c) => a + c, 0);
        exps.forEach((x, ki) => {
          const a = x / sum;
          pattern[(h * P + qi) * P + ki] = a;
          for (let j = 0; j < e; j++) z[qi * e + j]! += a * v[ki * e + j]!;
        });
      }
      const out = matmul(z, P, e, b.W_O.data, d, undefined, h * e * d);
      for (let i = 0; i < P * d; i++) attnOut[i]! += out[i]!;
    }
    for (let p = 0; p < P; p++) for (let i = 0; i < d; i++) resid[p * d + i]! += attnOut[p * d + i]! + b.b_O.data[i]!;
    patterns.push(pattern);
    if (b.mlp) {
      const xm = layerNorm(resid, P, d, b.ln2);
      const dMlp = b.mlp.b_in.data.length;
      const hidden = matmul(xm, P, d, b.mlp.W_in.data, dMlp, b.mlp.b_in.data).map(gelu);
      const out = matmul(hidden, P, dMlp, b.mlp.W_out.data, d, b.mlp.b_out.data);
      for (let i = 0; i < P * d; i++) resid[i]! += out[i]!;
    }
  }
  const xf = layerNorm(resid, P, d, w.lnFinal);
  return { logits: matmul(xf, P, d, w.W_U.data, V, w.b_U.data), patterns };
}
