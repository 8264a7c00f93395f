import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EmitFn, RedeskApi } from '../../common/api';
import { RedeskError, type ErrorCode } from '../../common/errors';
import { PROVIDERS, type ModelSummary, type ProviderInfo, type ProviderName } from '../../common/patching/types';
import { RunControl } from './engine/jobs';
import type { EngineOptions } from './engine/PatchEngine';
import { PatchEngine } from './engine/PatchEngine';
import { providerUnavailable } from './engine/ortParts';
import { listModels, loadModelDir } from './model';

async function folderStamp(dir: string): Promise<string> {
  const names = (await readdir(dir).catch(() => [])).sort();
  const stats = await Promise.all(names.map(async (n) => [n, await stat(join(dir, n)).catch(() => null)] as const));
  return stats.map(([n, s]) => `${n}:${s?.size}:${s?.mtimeMs}`).join('|');
}

export interface PatchingApiOptions {
  /** Shipped models (resources/models) and the user's imported ones (<dataDir>/models). */
  modelDirs: string[];
  emit: EmitFn;
  /** Engine settings (tests run ORT in-thread or point at a freshly built worker). */
  engine?: EngineOptions;
}

type PatchingApi = Pick<RedeskApi, 'modelList' | 'modelTokenize' | 'patchSweep' | 'patchExplain' | 'patchAttention' | 'patchCancel' | 'patchProviders'>;

/**
 * Engines for models found in `modelDirs`, by id (folder name). One engine, hence one worker with its ORT sessions,
 * per model folder; a folder whose model.json changed gets a fresh one.
 */
export class ModelEngines {
  private engines = new Map<string, { stamp: string; engine: Promise<PatchEngine> }>();

  constructor(
    private readonly modelDirs: string[],
    private readonly opts: EngineOptions = {},
  ) {}

  list(): Promise<ModelSummary[]> {
    return listModels(this.modelDirs);
  }

  async get(modelId: string, provider?: ProviderName): Promise<PatchEngine> {
    const all = await this.list();
    const m = all.find((x) => x.id === modelId);
    if (!m) {
      const known = all.filter((x) => !x.error).map((x) => x.id);
      throw new RedeskError('MODEL_NOT_FOUND', `no model "${modelId}"${known.length ? ` (available: ${known.join(', ')})` : ''}`, { where: modelId });
    }
    if (m.error) throw new RedeskError(m.error.code as ErrorCode, m.error.message, { where: m.dir });
    return this.forDir(m.dir, provider);
  }

  /**
   * An engine for a model folder given by path (the CLI's --model <dir>). Validation reads every ONNX file, so it
   * runs again only when a file in the folder changed (names, sizes and modification times).
   */
  async forDir(dirIn: string, provider?: ProviderName): Promise<PatchEngine> {
    if (provider !== undefined && !PROVIDERS.includes(provider)) {
      throw new RedeskError('PATCH_BAD_REQUEST', `provider must be one of ${PROVIDERS.join(', ')}, not "${String(provider)}"`, { where: 'provider' });
    }
    const dir = resolve(dirIn);
    // One engine (one worker and its sessions) per folder and provider asked for.
    const key = `${dir}\u0000${provider ?? ''}`;
    const stamp = await folderStamp(dir);
    const hit = this.engines.get(key);
    if (hit && hit.stamp === stamp) return hit.engine;
    if (hit) void hit.engine.then((e) => e.close()).catch(() => {});
    const opts = provider ? { ...this.opts, provider } : this.opts;
    const engine = loadModelDir(dir).then((model) => new PatchEngine(model, opts));
    this.engines.set(key, { stamp, engine });
    engine.catch(() => this.engines.delete(key));
    return engine;
  }

  async close(): Promise<void> {
    const all = [...this.engines.values()];
    this.engines.clear();
    await Promise.all(all.map(async (e) => (await e.engine).close()));
  }
}

/** Each execution provider, and whether it can run here. */
export function providerInfos(): ProviderInfo[] {
  return PROVIDERS.map((name) => {
    const reason = providerUnavailable(name);
    return reason ? { name, available: false, reason } : { name, available: true };
  });
}

/** The explorer's API methods: runs report `patch.progress` under their job id and stop on patchCancel. */
export function patchingApi(opts: PatchingApiOptions): PatchingApi {
  const engines = new ModelEngines(opts.modelDirs, opts.engine);
  const jobs = new Map<string, RunControl>();

  const job = async <T>(jobId: string, run: (ctl: RunControl) => Promise<T>): Promise<T> => {
    if (typeof jobId !== 'string' || jobId.length === 0) throw new RedeskError('PATCH_BAD_REQUEST', 'a run needs a job id', { where: 'jobId' });
    if (jobs.has(jobId)) throw new RedeskError('PATCH_BAD_REQUEST', `job "${jobId}" is already running`, { where: 'jobId' });
    const ctl = new RunControl((done, total, phase) => opts.emit('patch.progress', { jobId, done, total, phase }));
    jobs.set(jobId, ctl);
    try {
      return await run(ctl);
    } finally {
      jobs.delete(jobId);
    }
  };

  return {
    modelList: () => engines.list(),
    modelTokenize: async (modelId, text) => (await engines.get(modelId)).tokenize(text),
    patchSweep: (req) => job(req.jobId, async (ctl) => (await engines.get(req.modelId, req.provider)).sweep(req, ctl)),
    patchExplain: (req) => job(req.jobId, async (ctl) => (await engines.get(req.modelId, req.provider)).explain(req, ctl)),
    patchAttention: async (modelId, text) => (await engines.get(modelId)).attention(text),
    patchCancel: async (jobId) => {
      const ctl = jobs.get(jobId);
      if (ctl) ctl.cancelled = true;
    },
    patchProviders: async () => providerInfos(),
  };
}
