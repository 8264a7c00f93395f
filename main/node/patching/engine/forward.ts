/**
 * The cached forward pass: every component's output for each input row (token sequences of one length), from which
 * patched runs are built by arithmetic. Residual stream in GPT-2 order (DESIGN.md, model format).
 */
import type { GraphNode } from './graph';
import type { HeadJob, JobExec, RowJob } from './jobs';
import { add, lastPos, tail } from './tensors';

/**
 * One input row's run. Layer l's outputs (heads, patterns' queries, mlp, residMid) cover the last
 * exec.positionsAt(l) positions: all of them, except in the last layer of a run that computes only the last one.
 */
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

/**
 * A batched forward pass over `tokens` (all of one length), stage by stage, so that a sweep can run its own jobs in
 * the same part calls: `attnJobs(l)`, then the call, then `finishAttn(l)`; `mlpJobs(l)`; `unembedJobs()`.
 */
export class ForwardRun {
  readonly rows: RowCache[];

  private constructor(
    private readonly exec: JobExec,
    private readonly m: ModelDims,
    emb: Float32Array,
    n: number,
    private readonly keepPatterns: boolean,
  ) {
    const size = emb.length / n;
    this.rows = Array.from({ length: n }, (_, i) => {
      const embed = emb.slice(i * size, (i + 1) * size);
      return { embed, heads: [], patterns: [], mlp: [], residPre: [], residMid: [], residFinal: embed, logits: new Float32Array(0) };
    });
  }

  static async start(exec: JobExec, m: ModelDims, tokens: number[][], keepPatterns: boolean): Promise<ForwardRun> {
    return new ForwardRun(exec, m, await exec.runner.embed(tokens), tokens.length, keepPatterns);
  }

  attnJobs(l: number): HeadJob[] {
    return this.rows.flatMap((r) => {
      r.residPre[l] = r.residFinal;
      r.heads[l] = new Array<Float32Array>(this.m.heads);
      r.patterns[l] = new Array<Float32Array>(this.m.heads);
      const x = r.residPre[l]!;
      const q = tail(x, this.exec.positionsAt(l), this.m.dModel);
      return Array.from({ length: this.m.heads }, (_, h) => ({
        head: h,
        q,
        k: x,
        v: x,
        done: (out: Float32Array, pattern: Float32Array) => {
          r.heads[l]![h] = out;
          r.patterns[l]![h] = this.keepPatterns ? pattern.slice() : pattern;
        },
      }));
    });
  }

  /** resid_mid = resid_pre + Σ heads + b_O, once layer l's call has run. */
  finishAttn(l: number): void {
    const d = this.m.dModel;
    const bias = this.exec.bias[l]!;
    const n = this.exec.positionsAt(l);
    for (const r of this.rows) {
      const mid = tail(r.residPre[l]!, n, d).slice();
      for (const h of r.heads[l]!) for (let i = 0; i < mid.length; i++) mid[i] = mid[i]! + h[i]!;
      for (let i = 0; i < mid.length; i++) mid[i] = mid[i]! + bias[i % d]!;
      r.residMid[l] = mid;
      r.residFinal = mid;
    }
  }

  mlpJobs(l: number): RowJob[] {
    return this.rows.map((r) => ({
      x: r.residMid[l]!,
      done: (out: Float32Array) => {
        r.mlp[l] = out.slice();
        r.residFinal = add(r.residMid[l]!, r.mlp[l]!);
      },
    }));
  }

  unembedJobs(): RowJob[] {
    return this.rows.map((r) => ({ x: lastPos(r.residFinal, this.m.dModel), done: (out) => (r.logits = out.slice()) }));
  }
}

/** One batched forward pass over `tokens` (all of one length), keeping every component's output. */
export async function forwardCached(exec: JobExec, m: ModelDims, tokens: number[][]): Promise<ForwardCache> {
  const run = await ForwardRun.start(exec, m, tokens, true);
  for (let l = 0; l < m.layers; l++) {
    await exec.heads(l, run.attnJobs(l), true);
    run.finishAttn(l);
    if (m.mlp) await exec.mlp(l, run.mlpJobs(l));
  }
  await exec.unembed(run.unembedJobs());
  return { rows: run.rows, bias: exec.bias.slice() };
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
