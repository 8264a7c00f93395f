/**
 * The batched sweep: for every sender s and every receiver r downstream of it, the path set
 * {embed →* s → r →* logits} gets the counterfactual and everything else the reference. By arithmetic on the cached
 * runs: r's input is its clean input + (s_corrupt − s_clean); the change of r's output, D, is then carried through
 * every later component (all their inputs get clean + D) to the logits. Layer by layer, every cell that needs a
 * layer joins one batched call of it.
 */
import type { ForwardRun, ModelDims, RowCache } from './forward';
import type { PatchMetric } from '../../../common/patching/types';
import { nodeOut } from './forward';
import type { GraphNode, Receiver } from './graph';
import { reads, receiverNode, receivers, senders } from './graph';
import type { HeadJob, MemoryLimits, RowJob } from './jobs';
import { JobExec } from './jobs';
import { metricValue } from './metrics';
import { add, addDiff, lastPos, sub, tail } from './tensors';

export interface SweepPair {
  /** The clean and corrupt runs: complete, or filled in as the ForwardRun given to sweep() goes. */
  clean: RowCache;
  corrupt: RowCache;
  metric: PatchMetric;
  answers: [number, number] | null;
}

interface Cell {
  pair: number;
  s: number;
  r: number;
  receiver: Receiver;
  /** s_corrupt − s_clean [pos, d], filled in when the cell's block runs. */
  delta: Float32Array;
  /** The change carried downstream of the receiver, once it has been patched. */
  D: Float32Array | null;
  logits: Float32Array | null;
  value: number;
}

/** Stages in order: attn 0, mlp 0, attn 1, …, logits; the stage at which a receiver is patched. */
function stageOf(m: ModelDims, r: Receiver): number {
  if (r.kind === 'head') return 2 * r.layer;
  if (r.kind === 'mlp') return 2 * r.layer + 1;
  return 2 * m.layers;
}

export function sweepCells(m: ModelDims): { senders: GraphNode[]; receivers: Receiver[]; live: boolean[][] } {
  const S = senders(m);
  const R = receivers(m);
  return { senders: S, receivers: R, live: S.map((s) => R.map((r) => reads(m, s, receiverNode(r)))) };
}

/** Batch rows the sweep of `cells` will run, for progress totals. */
function blockRows(m: ModelDims, cells: Cell[]): number {
  let rows = 0;
  for (let st = 0; st <= 2 * m.layers; st++) {
    if (st % 2 === 1 && !m.mlp) continue;
    const carried = cells.filter((c) => stageOf(m, c.receiver) < st).length;
    if (st === 2 * m.layers) rows += cells.length;
    else if (st % 2 === 1) rows += carried + cells.filter((c) => stageOf(m, c.receiver) === st).length;
    else {
      const per = cells.filter((c) => stageOf(m, c.receiver) === st).map((c) => ({ head: (c.receiver as { head: number }).head }));
      rows += carried + JobExec.headRows(per, m.heads);
    }
  }
  return rows;
}

/** Every (pair, sender, receiver) cell of a sweep over `pairs` pairs of length `pos`, in blocks that bound memory. */
function planCells(m: ModelDims, pairs: number, pos: number, blockFloats: number): Cell[][] {
  const { senders: S, receivers: R, live } = sweepCells(m);
  const all: Cell[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    S.forEach((_, si) =>
      R.forEach((r, ri) => {
        if (live[si]![ri]) all.push({ pair, s: si, r: ri, receiver: r, delta: new Float32Array(0), D: null, logits: null, value: NaN });
      }),
    );
  }
  const per = Math.max(1, Math.floor(blockFloats / (pos * m.dModel)));
  const blocks: Cell[][] = [];
  for (let i = 0; i < all.length; i += per) blocks.push(all.slice(i, i + per));
  return blocks;
}

/** Batch rows a sweep of `pairs` pairs of length `pos` runs (after the forward pass), for progress totals. */
export function sweepRows(m: ModelDims, pairs: number, pos: number, limits: MemoryLimits): number {
  return planCells(m, pairs, pos, limits.blockFloats).reduce((n, b) => n + blockRows(m, b), 0);
}

/**
 * cells[pair][s][r]: the metric of each cell for each pair; null where r does not read s. Every pair's runs have
 * the sequence length exec.dims.pos. With `fwd` (whose rows the pairs name), the forward pass runs in the same part
 * calls as the first block: a stage's cells only need the stages before it.
 */
export async function sweep(exec: JobExec, m: ModelDims, pairs: SweepPair[], fwd?: ForwardRun): Promise<(number | null)[][][]> {
  const { senders: S, receivers: R } = sweepCells(m);
  const blocks = planCells(m, pairs.length, exec.dims.pos, exec.limits.blockFloats);
  // s_corrupt − s_clean, computed when first needed (with `fwd`, the sender's outputs exist only from its stage on).
  const deltas = pairs.map(() => new Array<Float32Array | undefined>(S.length));
  const deltaOf = (c: Cell): Float32Array => {
    const p = pairs[c.pair]!;
    return (deltas[c.pair]![c.s] ??= sub(nodeOut(p.corrupt, S[c.s]!), nodeOut(p.clean, S[c.s]!)));
  };
  for (const [b, block] of blocks.entries()) {
    await runBlock(exec, m, pairs, block, deltaOf, b === 0 ? fwd : undefined);
    for (const c of block) c.D = null;
  }
  const all = blocks.flat();
  return pairs.map((_, pair) => {
    const grid: (number | null)[][] = S.map(() => R.map(() => null));
    for (const c of all) if (c.pair === pair) grid[c.s]![c.r] = c.value;
    return grid;
  });
}

async function runBlock(
  exec: JobExec,
  m: ModelDims,
  pairs: SweepPair[],
  cells: Cell[],
  deltaOf: (c: Cell) => Float32Array,
  fwd: ForwardRun | undefined,
): Promise<void> {
  const d = m.dModel;
  for (let l = 0; l < m.layers; l++) {
    // Layer l's outputs, and the changes carried out of it, cover its last n positions (exec.positionsAt).
    const n = exec.positionsAt(l);
    const last = (x: Float32Array): Float32Array => tail(x, n, d);
    const carried = cells.filter((c) => stageOf(m, c.receiver) < 2 * l);
    // The forward rows go first, so their outputs are in place before the sweep rows' callbacks read them.
    const jobs: HeadJob[] = fwd ? fwd.attnJobs(l) : [];
    // One patched input per (pair, sender) serves every head and channel of the layer, so that rows of one input
    // are filled by copying (see JobExec.heads).
    const patchedInputs = new Map<string, Float32Array>();
    for (const c of cells) {
      const r = c.receiver;
      if (r.kind !== 'head' || r.layer !== l) continue;
      const clean = pairs[c.pair]!.clean;
      const base = clean.residPre[l]!;
      const key = `${c.pair}:${c.s}`;
      let patched = patchedInputs.get(key);
      if (!patched) patchedInputs.set(key, (patched = add(base, deltaOf(c))));
      jobs.push({
        head: r.head,
        q: last(r.channel === 'q' ? patched : base),
        k: r.channel === 'k' ? patched : base,
        v: r.channel === 'v' ? patched : base,
        done: (out) => (c.D = sub(out, last(clean.heads[l]![r.head]!))),
      });
    }
    const sums = carried.map((c) => {
      const clean = pairs[c.pair]!.clean;
      const x = add(clean.residPre[l]!, c.D!);
      const acc = last(c.D!).slice();
      const q = last(x);
      for (let h = 0; h < m.heads; h++) jobs.push({ head: h, q, k: x, v: x, done: (out) => addDiff(acc, out, last(clean.heads[l]![h]!)) });
      return acc;
    });
    await exec.heads(l, jobs);
    fwd?.finishAttn(l);
    carried.forEach((c, i) => (c.D = sums[i]!));
    if (!m.mlp) continue;
    const mlpJobs: RowJob[] = fwd ? fwd.mlpJobs(l) : [];
    for (const c of cells) {
      const st = stageOf(m, c.receiver);
      const clean = pairs[c.pair]!.clean;
      const mid = last(clean.residMid[l]!);
      // clean.mlp[l] is read in the callbacks: with a fused forward pass it is written in this same call.
      if (st === 2 * l + 1) mlpJobs.push({ x: add(mid, last(deltaOf(c))), done: (out) => (c.D = sub(out, last(clean.mlp[l]!))) });
      else if (st < 2 * l + 1) mlpJobs.push({ x: add(mid, c.D!), done: (out) => addDiff(c.D!, out, last(clean.mlp[l]!)) });
    }
    await exec.mlp(l, mlpJobs);
  }
  await exec.unembed([
    ...(fwd ? fwd.unembedJobs() : []),
    ...cells.map((c) => {
      const p = pairs[c.pair]!;
      const change = c.receiver.kind === 'logits' ? deltaOf(c) : c.D!;
      return { x: add(lastPos(p.clean.residFinal, d), lastPos(change, d)), done: (out: Float32Array) => (c.logits = out.slice()) };
    }),
  ]);
  // Metrics once the clean logits (kl's reference) exist.
  for (const c of cells) {
    const p = pairs[c.pair]!;
    c.value = metricValue({ metric: p.metric, answers: p.answers, reference: p.clean.logits }, c.logits!);
    c.logits = null;
  }
}
