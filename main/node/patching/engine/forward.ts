/**
 * The cached forward pass: every component's output for each input row (token sequences of one length), from which
 * patched runs are built by arithmetic. Residual stream in GPT-2 order (DESIGN.md, model format).
 */
import type { GraphNode } from './graph';
import type { JobExec } from './jobs';
import { add, lastPos } from './tensors';

export interface RowCache {
  /** [pos, d] */
  embed: Float32Array;
  /** heads[l][h]: head h of layer l's write [pos, d] (without the layer's bias). */
  heads: Float32Array[][];
  /** patterns[l][h]: [query, key] */
  patterns: Float32Array[][];
  /** mlp[l]: [pos, d]; empty when the model has no MLPs. */
  mlp: Float32Array[];
  residPre: Float32Array[];
  residMid: Float32Array[];
  residFinal: Float32Array;
  /** Logits at the last position [vocab]. */
  logits: Float32Array;
}

export interface ForwardCache {
  rows: RowCache[];
  bias: Float32Array[];
}

export interface ModelDims {
  layers: number;
  heads: number;
  dModel: number;
  mlp: boolean;
}

/** One batched forward pass over `tokens` (all of one length), keeping every component's output. */
export async function forwardCached(exec: JobExec, m: ModelDims, tokens: number[][]): Promise<ForwardCache> {
  const d = m.dModel;
  const T = tokens[0]!.length;
  const emb = await exec.runner.embed(tokens);
  const rows: RowCache[] = tokens.map((_, i) => {
    const embed = emb.slice(i * T * d, (i + 1) * T * d);
    return { embed, heads: [], patterns: [], mlp: [], residPre: [], residMid: [], residFinal: embed, logits: new Float32Array(0) };
  });
  for (let l = 0; l < m.layers; l++) {
    for (const r of rows) {
      r.residPre[l] = r.residFinal;
      r.heads[l] = new Array<Float32Array>(m.heads);
      r.patterns[l] = new Array<Float32Array>(m.heads);
    }
    await exec.heads(
      l,
      rows.flatMap((r) =>
        Array.from({ length: m.heads }, (_, h) => ({
          head: h,
          q: r.residPre[l]!,
          k: r.residPre[l]!,
          v: r.residPre[l]!,
          done: (out: Float32Array, pattern: Float32Array) => {
            r.heads[l]![h] = out;
            r.patterns[l]![h] = pattern.slice();
          },
        })),
      ),
      true,
    );
    const bias = exec.bias[l]!;
    for (const r of rows) {
      const mid = r.residPre[l]!.slice();
      for (const h of r.heads[l]!) for (let i = 0; i < mid.length; i++) mid[i] = mid[i]! + h[i]!;
      for (let i = 0; i < mid.length; i++) mid[i] = mid[i]! + bias[i % d]!;
      r.residMid[l] = mid;
      r.residFinal = mid;
    }
    if (m.mlp) {
      await exec.mlp(
        l,
        rows.map((r) => ({
          x: r.residMid[l]!,
          done: (out: Float32Array) => {
            r.mlp[l] = out.slice();
            r.residFinal = add(r.residMid[l]!, r.mlp[l]!);
          },
        })),
      );
    }
  }
  await exec.unembed(rows.map((r) => ({ x: lastPos(r.residFinal, d), done: (out) => (r.logits = out.slice()) })));
  return { rows, bias: exec.bias.slice() };
}

/** A node's write to the residual stream in one cached row. */
export function nodeOut(r: RowCache, n: GraphNode): Float32Array {
  if (n.kind === 'embed') return r.embed;
  if (n.kind === 'head') return r.heads[n.layer]![n.head]!;
  if (n.kind === 'mlp') return r.mlp[n.layer]!;
  throw new Error('the logits write nothing to the residual stream');
}

/** Rows the forward pass runs through the parts, for progress totals. */
export function forwardRows(m: ModelDims, rows: number): number {
  return m.layers * rows * (m.mlp ? 2 : 1) + rows;
}
