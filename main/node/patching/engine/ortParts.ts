/**
 * onnxruntime-node sessions for one model's parts, opened on first use and cached. Runs where it is created: inside
 * the patching worker for the app and the CLI, or in the calling thread when a test asks for it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { RedeskError } from '../../../common/errors';
import type { FeedTensor, OutTensor, PartExecutor, PartKey, ProviderName, RunnerOptions } from './runner';

/** ORT's names for the providers we offer. */
const ORT_NAME: Record<ProviderName, string> = { cpu: 'cpu', cuda: 'cuda', dml: 'dml', coreml: 'coreml' };

/** The provider libraries onnxruntime-node loads from beside its binding, per platform, for providers it does not bundle. */
const PROVIDER_LIBRARY: Partial<Record<ProviderName, Partial<Record<NodeJS.Platform, string>>>> = {
  cuda: { linux: 'libonnxruntime_providers_cuda.so', win32: 'onnxruntime_providers_cuda.dll' },
};

/**
 * Why a provider cannot run here, when that is plain before asking ORT (which would print a native error line on
 * the console for each failed session): not built into this onnxruntime-node, or its library not installed.
 */
export function providerUnavailable(name: ProviderName, bindingDir = ortBindingDir()): string | undefined {
  if (name === 'cpu') return undefined;
  const listed = ort.listSupportedBackends().find((b) => b.name === ORT_NAME[name]);
  if (!listed) return `this onnxruntime-node (${process.platform}-${process.arch}) is not built with ${name}`;
  const lib = PROVIDER_LIBRARY[name]?.[process.platform];
  if (!listed.bundled && lib && bindingDir && !existsSync(join(bindingDir, lib))) {
    return `${lib} is not installed beside onnxruntime-node's binding (${bindingDir}); install onnxruntime-node without ONNXRUNTIME_NODE_INSTALL=skip to get it`;
  }
  return undefined;
}

function ortBindingDir(): string | undefined {
  try {
    const index = createRequire(import.meta.url).resolve('onnxruntime-node');
    return join(dirname(index), '..', 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
}

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
    const missing = providerUnavailable(this.inUse);
    if (missing) {
      this.opts.log?.(`patching: execution provider ${this.inUse} is not available (${missing}); using cpu`);
      this.inUse = 'cpu';
    }
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
