/**
 * onnxruntime-node sessions for one model's parts, opened on first use and cached. Runs where it is created: inside
 * the patching worker for the app and the CLI, or in the calling thread when a test asks for it.
 */
import * as ort from 'onnxruntime-node';
import { RedeskError } from '../../../common/errors';
import type { FeedTensor, OutTensor, PartExecutor, PartKey, ProviderName, RunnerOptions } from './runner';

/** ORT's names for the providers we offer. */
const ORT_NAME: Record<ProviderName, string> = { cpu: 'cpu', cuda: 'cuda', dml: 'dml', coreml: 'coreml' };

export class OrtParts implements PartExecutor {
  private sessions = new Map<string, Promise<ort.InferenceSession>>();
  private inUse: ProviderName;

  constructor(
    private readonly paths: Record<string, string>,
    private readonly opts: RunnerOptions = {},
  ) {
    this.inUse = opts.provider ?? 'cpu';
  }

  provider(): string {
    return this.inUse;
  }

  private async create(path: string): Promise<ort.InferenceSession> {
    // No spin-waiting between ops: calls alternate with the engine's own arithmetic, and on a busy machine spinning
    // threads slowed batched calls about 5× (measured with scripts/bench/patching.mjs).
    const base: ort.InferenceSession.SessionOptions = {
      graphOptimizationLevel: 'all',
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    };
    if (this.opts.threads) base.intraOpNumThreads = this.opts.threads;
    if (this.inUse !== 'cpu') {
      try {
        return await ort.InferenceSession.create(path, { ...base, executionProviders: [ORT_NAME[this.inUse], 'cpu'] });
      } catch (e) {
        this.opts.log?.(`patching: execution provider ${this.inUse} is not available (${(e as Error).message}); using cpu`);
        this.inUse = 'cpu';
      }
    }
    return ort.InferenceSession.create(path, { ...base, executionProviders: ['cpu'] });
  }

  private session(part: PartKey): Promise<ort.InferenceSession> {
    let s = this.sessions.get(part);
    if (!s) {
      const path = this.paths[part];
      if (!path) throw new RedeskError('PATCH_RUNTIME', `the model has no part "${part}"`);
      s = this.create(path).catch((e: unknown) => {
        this.sessions.delete(part);
        throw new RedeskError('MODEL_BAD_ONNX', `cannot open ${part} (${path}): ${(e as Error).message}`, {
          where: path,
          hint: 'Re-import the model, or check that the file is a valid ONNX model (opset 17, float32).',
        });
      });
      this.sessions.set(part, s);
    }
    return s;
  }

  async run(part: PartKey, feeds: Record<string, FeedTensor>, fetches?: string[]): Promise<Record<string, OutTensor>> {
    const session = await this.session(part);
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) inputs[name] = new ort.Tensor(t.type, t.data, t.dims);
    let result: ort.InferenceSession.OnnxValueMapType;
    try {
      result = fetches ? await session.run(inputs, fetches) : await session.run(inputs);
    } catch (e) {
      throw new RedeskError('PATCH_RUNTIME', `running ${part} failed: ${(e as Error).message}`, { where: this.paths[part] });
    }
    const out: Record<string, OutTensor> = {};
    for (const [name, t] of Object.entries(result)) {
      out[name] = { dims: [...t.dims], data: t.data as Float32Array };
    }
    return out;
  }

  async close(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map(async (s) => (await s.catch(() => null))?.release()));
  }
}
