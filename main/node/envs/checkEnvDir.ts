import { resolve } from 'node:path';
import { isRedeskError } from '../../common/errors';
import { defaultVariantName, variantNames } from './applyVariant';
import { EnvInvalidError } from './EnvInvalidError';
import { computeEnvHash, computeScorerHash, inspectEnvDir } from './loadEnvDir';
import { readEnvJson } from './readEnvJson';

export interface EnvCheckResult {
  ok: boolean;
  id?: string;
  version?: string;
  /** Every problem, one line each, naming its field. */
  issues: string[];
  /** Assets not in place yet (absent, or present but unpinned): the organizer supplies them; not a problem of the folder. */
  warnings: string[];
  envHash?: string;
  scorerHash?: string;
}

/**
 * Everything wrong with an environment folder, for `redesk env check`: schema, every variant, files, assets (hashed;
 * absent or unpinned ones are warnings, since the organizer supplies them).
 * Never throws for a bad environment.
 */
export async function checkEnvDir(dir: string): Promise<EnvCheckResult> {
  const abs = resolve(dir);
  let spec;
  try {
    spec = await readEnvJson(abs);
  } catch (e) {
    return { ok: false, issues: issuesOf(e), warnings: [] };
  }
  const issues: string[] = [];
  const warnings: string[] = [];
  const fallback = defaultVariantName(spec);
  // The default variant first, plainly; another variant's own problems say which variant has them.
  for (const variant of [fallback, ...variantNames(spec).filter((v) => v !== fallback)]) {
    try {
      // Assets are the same for every variant; hash them once.
      // Every variant's own files (instructions, starter, scorer) are checked; shared assets are hashed once.
      const env = await inspectEnvDir(abs, variant, { assets: variant === fallback ? 'hash' : 'size' });
      for (const { code, message } of env.issues) {
        const list = code === 'ENV_ASSET_MISSING' || code === 'ENV_ASSET_UNPINNED' ? warnings : issues;
        const line = variant === fallback ? message : `variant "${variant}": ${message}`;
        if (!list.includes(message) && !list.includes(line)) list.push(line);
      }
    } catch (e) {
      issues.push(...issuesOf(e));
    }
  }
  const result: EnvCheckResult = { ok: false, id: spec.id, version: spec.version, issues: [...new Set(issues)], warnings: [...new Set(warnings)] };
  if (result.issues.length === 0) {
    try {
      const env = await inspectEnvDir(abs, undefined, { assets: 'none' });
      [result.envHash, result.scorerHash] = await Promise.all([computeEnvHash(abs, env.spec), computeScorerHash(abs, env.spec)]);
    } catch (e) {
      result.issues.push(...issuesOf(e));
    }
  }
  result.ok = result.issues.length === 0;
  return result;
}

function issuesOf(e: unknown): string[] {
  if (e instanceof EnvInvalidError) return e.issues;
  if (isRedeskError(e)) return [e.message];
  return [(e as Error)?.message ?? String(e)];
}
