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
  /** Inputs [pos, dModel]; the same array may serve several channels. */
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  /** The head's write [pos, dModel] (and its pattern [pos, pos] when the call asked for patterns). */
  done(out: Float32Array, pattern: Float32Array): void;
}

export interface RowJob {
  /** [pos, dModel] for an MLP; [dModel] (the last position) for the unembedding. */
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

export class JobExec {
  /** Each layer's output bias b_O, as the attention part reports it. */
  readonly bias: Float32Array[] = [];

  constructor(
    readonly runner: ModelRunner,
    readonly ctl: RunControl,
    readonly dims: { heads: number; dModel: number; pos: number },
    readonly limits: MemoryLimits = DEFAULT_LIMITS,
  ) {}

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
    const per = this.maxRows(T * H * d);
    for (let r0 = 0; r0 < rows; r0 += per) {
      this.ctl.check();
      const b = Math.min(per, rows - r0);
      const q = new Float32Array(b * T * H * d);
      const k = new Float32Array(b * T * H * d);
      const v = new Float32Array(b * T * H * d);
      for (let i = 0; i < b; i++) {
        for (let h = 0; h < H; h++) {
          const j = queues[h]![r0 + i];
          if (!j) continue;
          putHead(q, i * T * H * d, j.q, h, H, d);
          putHead(k, i * T * H * d, j.k, h, H, d);
          putHead(v, i * T * H * d, j.v, h, H, d);
        }
      }
      const out = await this.runner.attn(layer, b, T, q, k, v, patterns);
      this.bias[layer] = out.bias;
      for (let i = 0; i < b; i++) {
        for (let h = 0; h < H; h++) {
          const j = queues[h]![r0 + i];
          if (!j) continue;
          const pat = out.pattern.subarray((i * H + h) * T * T, (i * H + h + 1) * T * T);
          j.done(takeHead(out.headOut, i * T * H * d, T, h, H, d), pat);
        }
      }
      this.ctl.tick(b, `layer ${layer} attention`);
    }
  }

  async mlp(layer: number, jobs: RowJob[]): Promise<void> {
    const { dModel: d, pos: T } = this.dims;
    await this.rows(jobs, T * d, `layer ${layer} MLP`, (b, x) => this.runner.mlp(layer, b, T, x));
  }

  /** Jobs carry the last position only: the unembedding is per position, and every metric reads the last one. */
  async unembed(jobs: RowJob[]): Promise<void> {
    await this.rows(jobs, this.dims.dModel, 'logits', (b, x) => this.runner.unembed(b, 1, x));
  }

  private async rows(jobs: RowJob[], size: number, phase: string, call: (b: number, x: Float32Array) => Promise<Float32Array>): Promise<void> {
    const per = this.maxRows(size);
    for (let r0 = 0; r0 < jobs.length; r0 += per) {
      this.ctl.check();
      const chunk = jobs.slice(r0, r0 + per);
      const x = new Float32Array(chunk.length * size);
      chunk.forEach((j, i) => x.set(j.x, i * size));
      const out = await call(chunk.length, x);
      const outSize = out.length / chunk.length;
      chunk.forEach((j, i) => j.done(out.subarray(i * outSize, (i + 1) * outSize)));
      this.ctl.tick(chunk.length, phase);
    }
  }
}
