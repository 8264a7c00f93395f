import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EnvSpec } from '../../common/envSchema';
import { RedeskError } from '../../common/errors';
import type { LoadedEnv } from '../contracts';
import { applyVariant } from './applyVariant';
import { checkAssets, type AssetCheckOptions } from './assets';
import { EnvInvalidError } from './EnvInvalidError';
import { checkEnvFiles, envHashedFiles, scorerFiles, type EnvIssue } from './envFiles';
import { hashFileSet } from './fileHash';
import { taskStdInstructions } from '../taskstd/taskStd';
import { readEnvJson } from './readEnvJson';

export interface LoadEnvOptions {
  /** How far to check assets; 'hash' (the default) streams every asset through sha256. */
  assets?: AssetCheckOptions['verify'];
  cache?: AssetCheckOptions['cache'];
}

export interface InspectedEnv {
  dir: string;
  spec: EnvSpec;
  variant: string;
  issues: EnvIssue[];
}

/**
 * The spec with its variant applied and every file and asset problem collected, without hashing the folder.
 * Throws for problems that leave no spec to look at: no env.json, bad JSON or schema, unknown variant.
 */
export async function inspectEnvDir(dir: string, variant?: string, opts: LoadEnvOptions = {}): Promise<InspectedEnv> {
  const abs = resolve(dir);
  const base = await readEnvJson(abs);
  const applied = applyVariant(base, join(abs, 'env.json'), variant);
  const issues = [
    ...checkEnvFiles(abs, applied.spec),
    ...(await checkAssets(abs, applied.spec.assets, { verify: opts.assets ?? 'hash', cache: opts.cache })),
  ];
  return { dir: abs, spec: applied.spec, variant: applied.variant, issues };
}

/** Throws the first problem's code, with every problem of that kind in the message. */
export function throwIssues(dir: string, issues: EnvIssue[]): void {
  if (issues.length === 0) return;
  const invalid = issues.filter((i) => i.code === 'ENV_INVALID');
  if (invalid.length) {
    throw new EnvInvalidError(
      join(dir, 'env.json'),
      invalid.map((i) => i.message),
      invalid[0]!.where,
    );
  }
  const first = issues[0]!;
  throw new RedeskError(first.code, `Environment ${dir}: ${issues.map((i) => i.message).join('; ')}`, {
    where: first.where,
    hint:
      first.code === 'ENV_ASSET_MISSING'
        ? 'Import the environment pack again, or put the missing asset in place.'
        : 'The asset differs from what env.json pins; import the environment pack again.',
  });
}

/**
 * An environment folder, validated, with the variant applied (default: env.json's defaultVariant) and hashed.
 * Throws RedeskError ENV_NOT_FOUND / ENV_INVALID / ENV_ASSET_MISSING / ENV_ASSET_HASH_MISMATCH.
 */
export async function loadEnvDir(dir: string, variant?: string, opts: LoadEnvOptions = {}): Promise<LoadedEnv> {
  const env = await inspectEnvDir(dir, variant, opts);
  throwIssues(env.dir, env.issues);
  const [envHash, scorerHash, fileInstructions] = await Promise.all([
    computeEnvHash(env.dir, env.spec),
    computeScorerHash(env.dir, env.spec),
    readFile(join(env.dir, env.spec.instructions), 'utf8'),
  ]);
  // A task-standard family's instructions are what get_instructions(t) says.
  const instructionsMarkdown = env.spec.kind === 'taskstd' ? await taskStdInstructions(env.dir, env.spec, envHash) : fileInstructions;
  return { spec: env.spec, variant: env.variant, dir: env.dir, envHash, scorerHash, instructionsMarkdown };
}

export async function computeEnvHash(dir: string, spec: EnvSpec): Promise<string> {
  return hashFileSet(dir, await envHashedFiles(dir, spec));
}

/** The scorer's argv and its files: what decides a score, so a changed scorer is visible in every result. */
export async function computeScorerHash(dir: string, spec: EnvSpec): Promise<string> {
  const files = await hashFileSet(dir, scorerFiles(dir, spec));
  return createHash('sha256').update(JSON.stringify(spec.scorer.argv)).update('\n').update(files).digest('hex');
}
