/**
 * How the engine runs the model's ONNX parts: one `run` primitive (part key, named inputs → named outputs) that the
 * in-thread ORT sessions and the worker client both provide, and typed calls for each part on top of it.
 */
import type { LoadedModel } from '../model/types';

export type PartKey = 'embed' | 'unembed' | `attn${number}` | `mlp${number}`;

export interface FeedTensor {
  type: 'float32' | 'int64';
  dims: number[];
  data: Float32Array | BigInt64Array;
  /** The caller gives the array (the whole of its buffer) up: an executor in another thread may take it instead of a copy. */
  given?: boolean;
}

/** Options of an attention call. */
export interface AttnCall {
  /** Fetch the patterns (default true); without, `pattern` comes back empty. */
  patterns?: boolean;
  /** q, k and v are the caller's to give up (see FeedTensor.given): nothing reads them after the call. */
  give?: boolean;
}

export interface OutTensor {
  dims: number[];
  data: Float32Array;
}

/** Executes ONNX parts; `provider` is the execution provider in use once the first part has run. */
export interface PartExecutor {
  /** `fetches`: the outputs wanted (all when absent); ORT skips work that only the others need. */
  run(part: PartKey, feeds: Record<string, FeedTensor>, fetches?: string[]): Promise<Record<string, OutTensor>>;
  provider(): string;
  close(): Promise<void>;
}

export type { ProviderName } from '../../../common/patching/types';
import type { ProviderName } from '../../../common/patching/types';

export interface RunnerOptions {
  /** Execution provider to try (falls back to cpu with a logged reason); REDESK_ORT_PROVIDER when absent. */
  provider?: ProviderName;
  /** ORT intra-op threads; ORT's default (all cores) when absent. */
  threads?: number;
  log?: (line: string) => void;
}

export function partPaths(model: LoadedModel): Record<string, string> {
  const out: Record<string, string> = { embed: model.parts.embed, unembed: model.parts.unembed };
  model.parts.attn.forEach((p, l) => (out[`attn${l}`] = p));
  model.parts.mlp.forEach((p, l) => (out[`mlp${l}`] = p));
  return out;
}

export function providerFromEnv(env: NodeJS.ProcessEnv = process.env): ProviderName {
  const v = (env.REDESK_ORT_PROVIDER ?? 'cpu').toLowerCase();
  return v === 'cuda' || v === 'dml' || v === 'coreml' ? v : 'cpu';
}

export interface AttnOutput {
  /** [batch, qpos, heads, dModel] */
  headOut: Float32Array;
  /** [batch, heads, qpos, pos] */
  pattern: Float32Array;
  /** [dModel] */
  bias: Float32Array;
}

/** Typed calls on the parts; every tensor is row-major with the shapes of the model format. */
export class ModelRunner {
  constructor(
    readonly exec: PartExecutor,
    readonly shape: { heads: number; dModel: number; vocabSize: number },
  ) {}

  /** ONNX calls made and the time spent waiting on them, for the benchmark. */
  calls = 0;
  busyMs = 0;

  private async run(part: PartKey, feeds: Record<string, FeedTensor>, fetches?: string[]): Promise<Record<string, OutTensor>> {
    this.calls++;
    const t0 = performance.now();
    try {
      return await this.exec.run(part, feeds, fetches);
    } finally {
      this.busyMs += performance.now() - t0;
    }
  }

  async embed(tokens: number[][]): Promise<Float32Array> {
    const pos = tokens[0]?.length ?? 0;
    const data = BigInt64Array.from(tokens.flat(), (t) => BigInt(t));
    const out = await this.run('embed', { tokens: { type: 'int64', dims: [tokens.length, pos], data, given: true } });
    return out.resid!.data;
  }

  /**
   * k, v: [batch, pos, heads, dModel]; q: [batch, qpos, heads, dModel], the queries of the last qpos positions (its
   * length says which; qpos < pos only on parts with `queryTail`).
   */
  async attn(layer: number, batch: number, pos: number, q: Float32Array, k: Float32Array, v: Float32Array, opts: AttnCall = {}): Promise<AttnOutput> {
    const { heads: H, dModel: d } = this.shape;
    const { patterns = true, give = false } = opts;
    const f = (data: Float32Array, len: number): FeedTensor => ({ type: 'float32', dims: [batch, len, H, d], data, given: give });
    const fetches = patterns ? undefined : ['head_out', 'bias'];
    const out = await this.run(`attn${layer}`, { q_in: f(q, q.length / (batch * H * d)), k_in: f(k, pos), v_in: f(v, pos) }, fetches);
    return { headOut: out.head_out!.data, pattern: out.pattern?.data ?? new Float32Array(0), bias: out.bias!.data };
  }

  /** `give`: x is the caller's to give up (see FeedTensor.given). */
  async mlp(layer: number, batch: number, pos: number, x: Float32Array, give = false): Promise<Float32Array> {
    const out = await this.run(`mlp${layer}`, { x: { type: 'float32', dims: [batch, pos, this.shape.dModel], data: x, given: give } });
    return out.out!.data;
  }

  /** x: [batch, pos, dModel] → logits [batch, pos, vocab]. `give` as for mlp. */
  async unembed(batch: number, pos: number, x: Float32Array, give = false): Promise<Float32Array> {
    const out = await this.run('unembed', { resid: { type: 'float32', dims: [batch, pos, this.shape.dModel], data: x, given: give } });
    return out.logits!.data;
  }

  provider(): string {
    return this.exec.provider();
  }

  close(): Promise<void> {
    return this.exec.close();
  }
}
