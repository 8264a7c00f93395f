/**
 * Reference computations without cache arithmetic, one input row per ONNX call: the naive sweep (one full patched
 * forward pass per sender-receiver pair: the benchmark's baseline and the sweep's check) and a from-scratch
 * recomputation of a path set (every node input rebuilt as the sum of its upstream nodes' recomputed outputs).
 */
import type { ForwardCache, ModelDims } from './forward';
import { nodeOut } from './forward';
import type { GraphNode } from './graph';
import { CHANNELS, nodeName, reads, receiverName, senders } from './graph';
import type { ModelRunner } from './runner';
import { sweepCells } from './sweep';
import type { MetricTarget } from './metrics';
import { metricValue } from './metrics';
import { addTo, putHead, sub, takeHead } from './tensors';
import type { PathPlan } from './pathPatch';

type Patch = { receiver: string; delta: Float32Array } | null;

/** One full forward pass of `tokens` (batch 1), with `patch.delta` added to one receiver's input; last-position logits. */
export async function patchedForward(runner: ModelRunner, m: ModelDims, tokens: number[], patch: Patch): Promise<Float32Array> {
  const { heads: H, dModel: d } = m;
  const T = tokens.length;
  const extra = (name: string, x: Float32Array): Float32Array => {
    if (patch?.receiver !== name) return x;
    const y = x.slice();
    addTo(y, patch.delta);
    return y;
  };
  let resid = await runner.embed([tokens]);
  for (let l = 0; l < m.layers; l++) {
    const qkv = CHANNELS.map((c) => {
      const stack = new Float32Array(T * H * d);
      for (let h = 0; h < H; h++) putHead(stack, 0, extra(`L${l}H${h}.${c}`, resid), h, H, d);
      return stack;
    });
    // Fresh stacks, no patterns: the same call overheads as the batched sweep's.
    const out = await runner.attn(l, 1, T, qkv[0]!, qkv[1]!, qkv[2]!, { patterns: false, give: true });
    const mid = resid.slice();
    for (let h = 0; h < H; h++) addTo(mid, takeHead(out.headOut, 0, T, h, H, d));
    for (let i = 0; i < mid.length; i++) mid[i] = mid[i]! + out.bias[i % d]!;
    resid = mid;
    if (m.mlp) {
      const o = await runner.mlp(l, 1, T, extra(`L${l}.mlp`, resid));
      resid = resid.slice();
      addTo(resid, o);
    }
  }
  const logits = await runner.unembed(1, T, extra('logits', resid));
  return logits.slice(logits.length - logits.length / T);
}

/** The naive sweep of one pair: cells[s][r] by one full forward pass each (null where r does not read s). */
export async function naiveSweep(
  runner: ModelRunner,
  m: ModelDims,
  cache: ForwardCache,
  clean: number[],
  target: MetricTarget,
): Promise<(number | null)[][]> {
  const [c, k] = [cache.rows[0]!, cache.rows[1]!];
  const { senders: S, receivers: R, live } = sweepCells(m);
  const grid: (number | null)[][] = S.map(() => R.map(() => null));
  for (let si = 0; si < S.length; si++) {
    const delta = sub(nodeOut(k, S[si]!), nodeOut(c, S[si]!));
    for (let ri = 0; ri < R.length; ri++) {
      if (!live[si]![ri]) continue;
      grid[si]![ri] = metricValue(target, await patchedForward(runner, m, clean, { receiver: receiverName(R[ri]!), delta }));
    }
  }
  return grid;
}

/**
 * A path set's patched metric recomputed from scratch for one pair: node (n, σ)'s input is the sum over every
 * upstream node u of u's output along n's input + σ when the plan feeds it, u's base output otherwise, plus the
 * earlier layers' biases; each node is its own batch-1 call.
 */
export async function recomputePaths(
  runner: ModelRunner,
  m: ModelDims,
  treated: number[],
  base: number[],
  plan: PathPlan,
  target: MetricTarget,
): Promise<number> {
  const { heads: H, dModel: d } = m;
  const T = base.length;
  const memo = new Map<string, Promise<Float32Array>>();
  const biases: Float32Array[] = [];
  const all = senders(m);
  /** The input of receiver `recv` (of node n) along suffix σ (null σ: the base run). */
  const inputOf = async (n: GraphNode, recv: string, suffix: string | null): Promise<Float32Array> => {
    const fed = suffix === null ? undefined : plan.feeds.get(`${recv}|${suffix}`);
    const along = suffix ? `${recv}>${suffix}` : recv;
    const x = new Float32Array(T * d);
    for (const u of all) {
      if (!reads(m, u, n)) continue;
      addTo(x, await valueOf(u, fed?.has(nodeName(u)) ? along : null, fed?.has('embed') ? treated : base));
    }
    const layer = n.kind === 'logits' ? m.layers : n.kind === 'embed' ? 0 : n.kind === 'mlp' ? n.layer + 1 : n.layer;
    for (let l = 0; l < layer; l++) for (let i = 0; i < x.length; i++) x[i] = x[i]! + biases[l]![i % d]!;
    return x;
  };
  const valueOf = (n: GraphNode, suffix: string | null, embedTokens: number[]): Promise<Float32Array> => {
    const key = `${nodeName(n)}|${suffix}|${n.kind === 'embed' ? embedTokens.join(',') : ''}`;
    let v = memo.get(key);
    if (!v) {
      v = compute(n, suffix, embedTokens);
      memo.set(key, v);
    }
    return v;
  };
  const compute = async (n: GraphNode, suffix: string | null, embedTokens: number[]): Promise<Float32Array> => {
    if (n.kind === 'embed') return runner.embed([embedTokens]);
    if (n.kind === 'mlp') return runner.mlp(n.layer, 1, T, await inputOf(n, nodeName(n), suffix));
    if (n.kind !== 'head') throw new Error('logits have no output');
    const qkv = [];
    for (const c of CHANNELS) {
      const stack = new Float32Array(T * H * d);
      putHead(stack, 0, await inputOf(n, `${nodeName(n)}.${c}`, suffix), n.head, H, d);
      qkv.push(stack);
    }
    const out = await runner.attn(n.layer, 1, T, qkv[0]!, qkv[1]!, qkv[2]!);
    return takeHead(out.headOut, 0, T, n.head, H, d);
  };
  // Biases are constants of the attention parts; one call per layer reads them.
  for (let l = 0; l < m.layers; l++) {
    const z = new Float32Array(T * H * d);
    biases[l] = (await runner.attn(l, 1, T, z, z, z)).bias;
  }
  const x = await inputOf({ kind: 'logits' }, 'logits', '');
  const logits = await runner.unembed(1, T, x);
  return metricValue(target, logits.slice(logits.length - logits.length / T));
}
