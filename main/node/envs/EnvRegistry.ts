import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { EnvDetail, EnvSummary, EnvVariantSummary } from '../../common/api';
import type { EnvSpec } from '../../common/envSchema';
import { RedeskError, isRedeskError } from '../../common/errors';
import type { EnvLoadOptions, EnvSource, LoadedEnv } from '../contracts';
import { applyVariant, defaultVariantName, variantNames } from './applyVariant';
import type { AssetHashCache } from './assets';
import { EnvInvalidError } from './EnvInvalidError';
import { inspectEnvDir, loadEnvDir, throwIssues } from './loadEnvDir';
import { readEnvJson } from './readEnvJson';

export interface EnvRegistryOptions {
  /** Folders that contain environment folders (the repo's envs/, the user's imported envs); earlier ones win ties. */
  dirs: string[];
}

interface Found {
  dir: string;
  id: string;
  spec?: EnvSpec;
  /** env.json as written, before the default variant is applied: what each variant's details start from. */
  base?: EnvSpec;
  error?: EnvSummary['error'];
  /** Another folder earlier in `dirs` has the same id; this one is listed but never loaded. */
  shadowedBy?: string;
}

/** Environments found in folders of environment folders. Rescans on each call, so imports show up at once. */
export class EnvRegistry implements EnvSource {
  private readonly dirs: string[];
  private readonly assetHashes: AssetHashCache = new Map();

  constructor(opts: EnvRegistryOptions) {
    this.dirs = opts.dirs.map((d) => resolve(d));
  }

  /** Every environment folder, broken ones included (with `error`), sorted by id. */
  async list(): Promise<EnvSummary[]> {
    const found = await this.scan();
    return found.map(summarize).sort((a, b) => a.id.localeCompare(b.id) || a.dir.localeCompare(b.dir));
  }

  /** The environment with its default variant and instructions; a broken one throws its load error. Assets are a
   * run-time requirement (preflight), not a reason to hide an environment. */
  async get(envId: string): Promise<EnvDetail> {
    const env = await loadEnvDir(await this.find(envId), undefined, { assets: 'none' });
    return {
      ...summarize({ dir: env.dir, id: env.spec.id, spec: env.spec, base: await readEnvJson(env.dir) }),
      instructionsMarkdown: env.instructionsMarkdown,
      envHash: env.envHash,
    };
  }

  /** The validated env.json with its default variant, assets not checked (cheap: for showing, not running). */
  async spec(envId: string): Promise<EnvSpec> {
    return (await loadEnvDir(await this.find(envId), undefined, { assets: 'none' })).spec;
  }

  /** Validated, with the variant applied and every asset hashed (hashes are remembered while files are unchanged). */
  async load(envId: string, variant?: string, opts: EnvLoadOptions = {}): Promise<LoadedEnv> {
    return loadEnvDir(await this.find(envId), variant, { assets: opts.assets ?? 'hash', cache: this.assetHashes });
  }

  private async find(envId: string): Promise<string> {
    const found = await this.scan();
    const match = found.find((f) => f.id === envId && f.shadowedBy === undefined);
    if (match) return match.dir;
    const known = [...new Set(found.map((f) => f.id))].sort();
    throw new RedeskError('ENV_NOT_FOUND', `No environment "${envId}". Known: ${known.length ? known.join(', ') : 'none'}.`, {
      hint: `Run "redesk env list" to see them; environments are read from ${this.dirs.join(', ')}.`,
      where: envId,
    });
  }

  private async scan(): Promise<Found[]> {
    const found: Found[] = [];
    const owner = new Map<string, string>();
    for (const parent of this.dirs) {
      for (const dir of await envFolders(parent)) {
        const entry = await describe(dir);
        const first = owner.get(entry.id);
        if (first === undefined) {
          owner.set(entry.id, dir);
        } else {
          entry.shadowedBy = first;
          entry.error ??= {
            code: 'ENV_INVALID',
            message: `Environment id "${entry.id}" is also in ${first}, which is the one used; rename or remove this copy.`,
          };
        }
        found.push(entry);
      }
    }
    return found;
  }
}

/** Subfolders holding an env.json; a missing parent folder has none. */
async function envFolders(parent: string): Promise<string[]> {
  const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const dir = join(parent, entry.name);
    const isDir = entry.isDirectory() || (entry.isSymbolicLink() && (await stat(dir).catch(() => undefined))?.isDirectory());
    if (isDir && existsSync(join(dir, 'env.json'))) out.push(dir);
  }
  return out.sort();
}

/** A quick look: schema, default variant, files; assets are left to the preflight. */
async function describe(dir: string): Promise<Found> {
  let spec: EnvSpec | undefined;
  try {
    spec = await readEnvJson(dir);
    const env = await inspectEnvDir(dir, undefined, { assets: 'none' });
    throwIssues(env.dir, env.issues);
    return { dir, id: spec.id, spec: env.spec, base: spec };
  } catch (e) {
    const error = isRedeskError(e)
      ? { code: e.code, message: e.message, ...(e instanceof EnvInvalidError ? { issues: e.issues } : {}) }
      : { code: 'INTERNAL', message: (e as Error)?.message ?? String(e) };
    return { dir, id: spec?.id ?? basename(dir), spec, error };
  }
}

function summarize(f: Found): EnvSummary {
  const s = f.spec;
  const summary: EnvSummary = {
    id: f.id,
    version: s?.version ?? '',
    title: s?.title ?? f.id,
    dir: f.dir,
    timeLimitMinutes: s?.timeLimitMinutes ?? 0,
    variants: s ? variantNames(s) : [],
    defaultVariant: s ? defaultVariantName(s) : '',
    hardware: s?.hardware ?? { gpus: 0, gpuMemoryGiB: 0, cpus: 1, ramGiB: 1, diskGiB: 1 },
  };
  const base = f.base ?? s;
  if (base) summary.variantDetails = variantDetails(base, join(f.dir, 'env.json'));
  if (f.error) summary.error = f.error;
  return summary;
}

/** Each variant with its overrides applied; a variant that does not apply is left out (its error is the env's). */
function variantDetails(spec: EnvSpec, file: string): EnvVariantSummary[] {
  const out: EnvVariantSummary[] = [];
  for (const name of variantNames(spec)) {
    try {
      const v = applyVariant(spec, file, name).spec;
      out.push({
        name,
        ...(spec.variants[name]?.description ? { description: spec.variants[name]!.description } : {}),
        timeLimitMinutes: v.timeLimitMinutes,
        hardware: v.hardware,
        pythonPackages: v.software.pythonPackages,
        assets: v.assets.filter((a) => !a.external).length,
      });
    } catch {
      // Reported by load and check.
    }
  }
  return out;
}
