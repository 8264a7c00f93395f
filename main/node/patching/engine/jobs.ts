/**
 * Batched execution of per-node jobs on one part call at a time. Heads of one layer are independent (head h reads
 * only q_in[:,:,h], k_in[:,:,h], v_in[:,:,h]), so one batch row carries one job for each head: a sweep's receiver
 * jobs fill H cells per row. Calls are chunked to bound memory; the run's cancel flag is checked between chunks.
 */
import { RedeskError } from '../../../common/errors';
import type { ModelRunner } from './runner';
import { putHead, takeHead } from './tensors';

export interface HeadJob {
  head: number;
  /**
   * Inputs: k and v [pos, dModel]; q [qpos, dModel], the last qpos positions (qpos = exec.positionsAt(layer) for
   * every job of a call). The same array may serve several channels.
   */
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  /** The head's write [qpos, dModel] (and its pattern [qpos, pos] when the call asked for patterns). */
  done(out: Float32Array, pattern: Float32Array): void;
}

export interface RowJob {
  /** [positionsAt(layer), dModel] for an MLP; [dModel] (the last position) for the unembedding. */
  x: Float32Array;
  done(out: Float32Array): void;
}

/** Progress and cancellation of one run, shared by every stage. */
export class RunControl {
  done = 0;
  total = 0;
  cancelled = false;

  constructor(private readonly onProgress: (done: number, total: number, phase: string) => void = () => {}) {}

  tick(rows: number, phase: string): void {
    this.done += rows;
    this.onProgress(this.done, this.total, phase);
  }

  check(): void {
    if (this.cancelled) throw new RedeskError('PATCH_CANCELLED', 'the run was cancelled');
  }
}

export interface MemoryLimits {
  /** Floats of input per part call. */
  callFloats: number;
  /** Floats of carried changes a sweep keeps at once (cells are run in blocks under it). */
  blockFloats: number;
}

/** 3 × 16 MiB q/k/v stacks keep a call near 200 MiB with its outputs; a sweep block's carried changes near 256 MiB. */
export const DEFAULT_LIMITS: MemoryLimits = { callFloats: 4 * 1024 * 1024, blockFloats: 64 * 1024 * 1024 };

export interface ExecDims {
  heads: number;
  dModel: number;
  pos: number;
  /**
   * The layer (the last) of which only the last position is computed: its attention queries and its MLP (the metric
   * reads only the last position's logits, and nothing after the last layer reads the others). Absent: none.
   */
  tailLayer?: number;
}

/**
 * Fills a [batch, pos, heads, d] stack row by row. A row whose heads all read one array (a forward row, a carried
 * change, a clean input) is the broadcast of that array, so where this call has written that broadcast before (in
 * this stack or in `shared`, one of the same shape) the row is copied in one piece instead of head by head.
 */
class StackWriter {
  readonly data: Float32Array;
  /** Where each array's broadcast is, by identity, for this call. */
  readonly written: Map<Float32Array, { stack: Float32Array; at: number }>;
  private readonly size: number;

  constructor(
    batch: number,
    pos: number,
    private readonly heads: number,
    private readonly d: number,
    shared?: StackWriter,
  ) {
    this.size = pos * heads * d;
    this.data = new Float32Array(batch * this.size);
    this.written = shared?.written ?? new Map();
  }

  row(i: number, inputs: (Float32Array | undefined)[]): void {
    const at = i * this.size;
    const first = inputs[0];
    const same = first !== undefined && inputs.every((x) => x === first);
    const seen = same ? this.written.get(first) : undefined;
    if (seen) {
      this.data.set(seen.stack.subarray(seen.at, seen.at + this.size), at);
      return;
    }
    inputs.forEach((x, h) => x && putHead(this.data, at, x, h, this.heads, this.d));
    if (same) this.written.set(first, { stack: this.data, at });
  }
}

export class JobExec {
  /** Each layer's output bias b_O, as the attention part reports it. */
  readonly bias: Float32Array[] = [];

  constructor(
    readonly runner: ModelRunner,
    readonly ctl: RunControl,
    readonly dims: ExecDims,
    readonly limits: MemoryLimits = DEFAULT_LIMITS,
  ) {}

  /** Positions computed at a layer: its head outputs, the queries its head jobs carry, its MLP rows. */
  positionsAt(layer: number): number {
    return layer === this.dims.tailLayer ? 1 : this.dims.pos;
  }

  private maxRows(floatsPerRow: number): number {
    return Math.max(1, Math.floor(this.limits.callFloats / floatsPerRow));
  }

  /** Rows the head jobs will take: the longest per-head queue. */
  static headRows(jobs: { head: number }[], heads: number): number {
    const n = new Array<number>(heads).fill(0);
    for (const j of jobs) n[j.head]!++;
    return Math.max(0, ...n);
  }

  async heads(layer: number, jobs: HeadJob[], patterns = false): Promise<void> {
    const { heads: H, dModel: d, pos: T } = this.dims;
    const queues: HeadJob[][] = Array.from({ length: H }, () => []);
    for (const j of jobs) queues[j.head]!.push(j);
    const rows = Math.max(0, ...queues.map((q) => q.length));
    const Q = this.positionsAt(layer);
    if (jobs.some((j) => j.q.length !== Q * d || j.k.length !== T * d || j.v.length !== T * d)) {
      throw new Error(`layer ${layer}: head jobs need q of ${Q} positions and k, v of ${T}`);
    }
    const per = this.maxRows(T * H * d);
    for (let r0 = 0; r0 < rows; r0 += per) {
      this.ctl.check();
      const b = Math.min(per, rows - r0);
      const q = new StackWriter(b, Q, H, d);
      const k = new StackWriter(b, T, H, d, Q === T ? q : undefined);
      const v = new StackWriter(b, T, H, d, k);
      for (let i = 0; i < b; i++) {
        const row = queues.map((queue) => queue[r0 + i]);
        q.row(i, row.map((j) => j?.q));
        k.row(i, row.map((j) => j?.k));
        v.row(i, row.map((j) => j?.v));
      }
      const out = await this.runner.attn(layer, b, T, q.data, k.data, v.data, { patterns, give: true });
      this.bias[layer] = out.bias;
      for (let i = 0; i < b; i++) {
        for (let h = 0; h < H; h++) {
          const j = queues[h]![r0 + i];
          if (!j) continue;
          const pat = out.pattern.subarray((i * H + h) * Q * T, (i * H + h + 1) * Q * T);
          j.done(takeHead(out.headOut, i * Q * H * d, Q, h, H, d), pat);
        }
      }
      this.ctl.tick(b, `layer ${layer} attention`);
    }
  }

  async mlp(layer: number, jobs: RowJob[]): Promise<void> {
    const n = this.positionsAt(layer);
    await this.rows(jobs, n * this.dims.dModel, `layer ${layer} MLP`, (b, x) => this.runner.mlp(layer, b, n, x, true));
  }

  /** Jobs carry the last position only: the unembedding is per position, and every metric reads the last one. */
  async unembed(jobs: RowJob[]): Promise<void> {
    await this.rows(jobs, this.dims.dModel, 'logits', (b, x) => this.runner.unembed(b, 1, x, true));
  }

  private async rows(jobs: RowJob[], size: number, phase: string, call: (b: number, x: Float32Array) => Promise<Float32Array>): Promise<void> {
    const per = this.maxRows(size);
    for (let r0 = 0; r0 < jobs.length; r0 += per) {
      this.ctl.check();
      const chunk = jobs.slice(r0, r0 + per);
      if (chunk.some((j) => j.x.length !== size)) throw new Error(`${phase}: rows of ${size} floats expected`);
      const x = new Float32Array(chunk.length * size);
      chunk.forEach((j, i) => x.set(j.x, i * size));
      const out = await call(chunk.length, x);
      const outSize = out.length / chunk.length;
      chunk.forEach((j, i) => j.done(out.subarray(i * outSize, (i + 1) * outSize)));
      this.ctl.tick(chunk.length, phase);
    }
  }
}
