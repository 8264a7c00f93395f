import type { KeyObject } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Manifest } from '../../common/bundle/manifest';
import { RedeskError } from '../../common/errors';
import type { ErrorCode } from '../../common/errors';
import { normalizeScore } from '../../common/scoreMath';
import type { EnvSource, LoadedEnv, Scorer } from '../contracts';
import { loadEnvDir } from '../envs/loadEnvDir';
import type { AllowedSigner } from '../ssh/allowedSigners';
import { verifyBundleFile } from './verifyBundle';

export interface RescoreOptions {
  /** This install's environments; the bundle's env id and variant are looked up here. */
  envs?: EnvSource;
  /** An environment folder to use instead (its id must match the bundle's). */
  envDir?: string;
  scorer: Scorer;
  /** When given, the bundle must be signed by one of these experts; otherwise any intact bundle is re-scored. */
  allowedSigners?: string | readonly AllowedSigner[];
  organizerKey?: string | KeyObject;
  tmpDir?: string;
}

export interface RescoreResult {
  file: string;
  attempt: string;
  env: { id: string; version: string; variant: string };
  sealed: { final: number | null; normalized: number | null; baseline: Manifest['score']['baseline'] };
  rescored: {
    score: number | null;
    normalized: number | null;
    message: string;
    errorCode?: ErrorCode;
    durationMs: number;
    /** The start and reference the normalization used: env.json's, or this machine's calibration. */
    baseline?: { start: number; reference: number; source: 'fixed' | 'calibrated' };
  };
  /** Differences worth knowing: another env or scorer hash than sealed, files only listed by hash, … */
  warnings: string[];
}

/**
 * Runs this machine's copy of the environment's scorer on the bundle's submission: the bundle is verified while
 * its submission is extracted into a private temporary workspace, the environment is checked against the hashes
 * sealed in the manifest (a difference is a warning, not a refusal: that is what re-scoring is for), then scored.
 */
export async function rescoreBundle(file: string, o: RescoreOptions): Promise<RescoreResult> {
  const tmp = await mkdtemp(join(o.tmpDir ?? tmpdir(), 'redesk-rescore-'));
  try {
    const workspace = join(tmp, 'workspace');
    await mkdir(workspace);
    const verdict = await verifyBundleFile(file, {
      ...(o.allowedSigners !== undefined ? { allowedSigners: o.allowedSigners } : { trustAnySigner: true }),
      organizerKey: o.organizerKey,
      extractSubmissionTo: workspace,
      tmpDir: tmp,
    });
    if (!verdict.ok || !verdict.manifest) {
      throw new RedeskError(verdict.code ?? 'INTERNAL', `The bundle does not verify, so it is not re-scored: ${verdict.message}`, { where: file });
    }
    const m = verdict.manifest;
    const warnings = [...verdict.warnings];
    const env = await loadEnv(m, o);
    if (env.spec.version !== m.env.version) warnings.push(`this install has ${m.env.id}@${env.spec.version}; the attempt ran ${m.env.version}`);
    if (env.envHash !== m.env.hash) warnings.push(`the environment's hash differs from the sealed one (${env.envHash.slice(0, 12)}… here, ${m.env.hash.slice(0, 12)}… sealed)`);
    if (env.scorerHash !== m.env.scorerHash) warnings.push(`the scorer's hash differs from the sealed one (${env.scorerHash.slice(0, 12)}… here, ${m.env.scorerHash.slice(0, 12)}… sealed): scores may not be comparable`);
    if (m.submission.omitted.length) warnings.push(`${m.submission.omitted.length} file(s) were too large to bundle and are missing from the re-scored workspace: ${m.submission.omitted.map((f) => f.path).join(', ')}`);

    const result = await o.scorer.run({ env, workspaceDir: workspace, cacheDir: join(tmp, 'cache'), scratchDir: join(tmp, 'scratch') });
    const spec = env.spec.score;
    const baseline =
      spec.baseline === 'calibrated'
        ? result.baseline && { ...result.baseline, source: 'calibrated' as const }
        : spec.start !== undefined && spec.reference !== undefined
          ? { start: spec.start, reference: spec.reference, source: 'fixed' as const }
          : undefined;
    return {
      file,
      attempt: m.attempt.id,
      env: { id: m.env.id, version: m.env.version, variant: m.attempt.variant },
      sealed: { final: m.score.final, normalized: m.score.normalized, baseline: m.score.baseline },
      rescored: {
        score: result.score,
        normalized: normalizeScore(result.score, baseline?.start, baseline?.reference),
        message: result.message,
        ...(result.errorCode ? { errorCode: result.errorCode } : {}),
        durationMs: result.durationMs,
        ...(baseline ? { baseline } : {}),
      },
      warnings,
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function loadEnv(m: Manifest, o: RescoreOptions): Promise<LoadedEnv> {
  if (o.envDir) {
    const env = await loadEnvDir(o.envDir, m.attempt.variant);
    if (env.spec.id !== m.env.id) throw new RedeskError('ENV_NOT_FOUND', `${o.envDir} holds environment ${env.spec.id}; the bundle is for ${m.env.id}.`, { where: o.envDir });
    return env;
  }
  if (!o.envs) throw new RedeskError('BAD_REQUEST', 'Re-scoring needs the environment: give an env folder or a registry.');
  return o.envs.load(m.env.id, m.attempt.variant);
}
