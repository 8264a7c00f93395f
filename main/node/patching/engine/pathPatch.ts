/**
 * Path patching with an explicit path set (Goldowsky-Dill et al. 2023): the listed paths get the treated input and
 * everything else the base input. A node's output may differ per downstream path suffix, so values are computed only
 * for the (node, suffix) pairs where the suffix continues a listed path, each once: a node input along suffix σ is
 * its base input + Σ over upstream nodes u listed just before it with that suffix of (u's value along it − u's base
 * output); the embedding's value along a listed path is the treated embedding. All (node, suffix) pairs of one
 * layer, for every input pair, run as one batched call.
 */
import type { ModelDims, RowCache } from './forward';
import { nodeOut } from './forward';
import type { GraphNode } from './graph';
import { nodeName, nodeOf } from './graph';
import type { HeadJob, RowJob } from './jobs';
import { JobExec } from './jobs';
import type { MetricTarget } from './metrics';
import { metricValue } from './metrics';
import { addDiff, lastPos, tail } from './tensors';

export interface PathPair {
  treated: RowCache;
  base: RowCache;
  target: MetricTarget;
}

interface Entry {
  node: GraphNode;
  /** The receivers after this node, joined by ">", ending with "logits". */
  suffix: string;
  /** Per input pair: the node's output along this suffix. */
  values: Float32Array[];
}

export interface PathPlan {
  entries: Map<string, Entry>;
  /** `${receiver}|${suffix}` → names of the nodes that feed that input along the listed paths. */
  feeds: Map<string, Set<string>>;
}

/** Builds the (node, suffix) pairs and input feeds of expanded paths (receiver-name lists ending with "logits"). */
export function planPaths(m: ModelDims, paths: string[][]): PathPlan {
  const entries = new Map<string, Entry>();
  const feeds = new Map<string, Set<string>>();
  for (const steps of paths) {
    let from = 'embed';
    steps.forEach((recv, i) => {
      const suffix = steps.slice(i + 1).join('>');
      const key = `${recv}|${suffix}`;
      if (!feeds.has(key)) feeds.set(key, new Set());
      feeds.get(key)!.add(from);
      const node = nodeOf(m, recv);
      if (node.kind !== 'logits') {
        const name = nodeName(node);
        const ekey = `${name}|${suffix}`;
        if (!entries.has(ekey)) entries.set(ekey, { node, suffix, values: [] });
        from = name;
      }
    });
  }
  return { entries, feeds };
}

/**
 * The input `recv` gets along `suffix` for one pair, over the last n positions of `base`: base + Σ (fed value − fed
 * node's base output); null when nothing is fed (the input is the base one).
 */
function input(plan: PathPlan, pair: number, p: PathPair, recv: string, suffix: string, base: Float32Array, n: number, d: number): Float32Array | null {
  const from = plan.feeds.get(`${recv}|${suffix}`);
  if (!from) return null;
  const last = (x: Float32Array): Float32Array => tail(x, n, d);
  const x = last(base).slice();
  const along = suffix ? `${recv}>${suffix}` : recv;
  for (const u of from) {
    if (u === 'embed') addDiff(x, last(p.treated.embed), last(p.base.embed));
    else {
      const e = plan.entries.get(`${u}|${along}`)!;
      addDiff(x, last(e.values[pair]!), last(nodeOut(p.base, e.node)));
    }
  }
  return x;
}

/** Batch rows patchPaths runs for `pairs` pairs (after the forward pass), for progress totals. */
export function pathRows(m: ModelDims, plan: PathPlan, pairs: number): number {
  const list = [...plan.entries.values()];
  let rows = pairs;
  for (let l = 0; l < m.layers; l++) {
    const heads = list.filter((e) => e.node.kind === 'head' && e.node.layer === l) as { node: { head: number } }[];
    rows += pairs * JobExec.headRows(heads.map((e) => e.node), m.heads);
    rows += pairs * list.filter((e) => e.node.kind === 'mlp' && e.node.layer === l).length;
  }
  return rows;
}

/**
 * The metric of the patched run for each pair. Every pair's runs share one sequence length. Values in layer l cover
 * its last exec.positionsAt(l) positions (only the last one in the last layer: the metric reads only that).
 */
export async function patchPaths(exec: JobExec, m: ModelDims, pairs: PathPair[], plan: PathPlan): Promise<number[]> {
  const d = m.dModel;
  const T = exec.dims.pos;
  const list = [...plan.entries.values()];
  for (const e of list) e.values = [];
  for (let l = 0; l < m.layers; l++) {
    const n = exec.positionsAt(l);
    const jobs: HeadJob[] = [];
    for (const e of list) {
      const node = e.node;
      if (node.kind !== 'head' || node.layer !== l) continue;
      const name = nodeName(node);
      pairs.forEach((p, i) => {
        const base = p.base.residPre[l]!;
        const at = (c: string, len: number): Float32Array => input(plan, i, p, `${name}.${c}`, e.suffix, base, len, d) ?? tail(base, len, d);
        jobs.push({ head: node.head, q: at('q', n), k: at('k', T), v: at('v', T), done: (out) => (e.values[i] = out) });
      });
    }
    await exec.heads(l, jobs);
    if (!m.mlp) continue;
    const mlpJobs: RowJob[] = [];
    for (const e of list) {
      const node = e.node;
      if (node.kind !== 'mlp' || node.layer !== l) continue;
      pairs.forEach((p, i) => {
        const base = p.base.residMid[l]!;
        const x = input(plan, i, p, nodeName(node), e.suffix, base, n, d) ?? tail(base, n, d);
        mlpJobs.push({ x, done: (out) => (e.values[i] = out.slice()) });
      });
    }
    await exec.mlp(l, mlpJobs);
  }
  const out: number[] = new Array<number>(pairs.length).fill(NaN);
  await exec.unembed(
    pairs.map((p, i) => {
      const x = input(plan, i, p, 'logits', '', p.base.residFinal, 1, d) ?? lastPos(p.base.residFinal, d);
      return { x, done: (logits) => (out[i] = metricValue(p.target, logits)) };
    }),
  );
  return out;
}
