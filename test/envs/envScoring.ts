import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeScore } from '../../main/common/scoreMath';
import type { LoadedEnv, ScorerResult } from '../../main/node/contracts';
import { loadEnvDir } from '../../main/node/envs/loadEnvDir';
import { ScorerRunner } from '../../main/node/scorer/ScorerRunner';

/** Debian's interpreter: numpy 1.24 + torch 1.13 (the `python3` first on PATH may have numpy only). */
export const SYSTEM_PYTHON = '/usr/bin/python3';
export const REPO = fileURLToPath(new URL('../..', import.meta.url));

export function envDir(id: string): string {
  return join(REPO, 'envs', id);
}

/** One attempt's folders (workspace from the variant's starter, cache, scratch) and a scorer to run on them. */
export class EnvAttempt {
  readonly root = mkdtempSync(join(tmpdir(), 'redesk-envtest-'));
  readonly workspaceDir = join(this.root, 'workspace');
  readonly cacheDir = join(this.root, 'cache');
  private readonly scorer = new ScorerRunner({ python: SYSTEM_PYTHON });

  private constructor(readonly env: LoadedEnv) {
    cpSync(join(env.dir, env.spec.starter), this.workspaceDir, { recursive: true });
  }

  static async open(dir: string, variant?: string): Promise<EnvAttempt> {
    return new EnvAttempt(await loadEnvDir(dir, variant));
  }

  /** Replace (or add) a workspace file with a file from the environment folder or with literal text. */
  put(name: string, from: { file?: string; text?: string }): void {
    if (from.file) cpSync(join(this.env.dir, from.file), join(this.workspaceDir, name));
    else writeFileSync(join(this.workspaceDir, name), from.text ?? '');
  }

  score(): Promise<ScorerResult> {
    return this.scorer.run({
      env: this.env,
      workspaceDir: this.workspaceDir,
      cacheDir: this.cacheDir,
      scratchDir: join(this.root, `scratch-${Date.now()}`),
    });
  }

  close(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Normalized as the app does it: calibrated baseline when the scorer reports one, else env.json's constants. */
export function normalized(r: ScorerResult, env: LoadedEnv): number | null {
  const b = r.baseline ?? { start: env.spec.score.start, reference: env.spec.score.reference };
  return normalizeScore(r.score, b.start, b.reference);
}

/** (s − start)/(reference − start) without the app's clipping at 0, to see how close to 0 a start lands. */
export function rawNormalized(r: ScorerResult, env: LoadedEnv): number | null {
  const b = r.baseline ?? { start: env.spec.score.start, reference: env.spec.score.reference };
  if (r.score === null || b.start === undefined || b.reference === undefined) return null;
  return (r.score - b.start) / (b.reference - b.start);
}

/** True when Debian's Python cannot import torch: the mini environments cannot be scored then. */
export function torchMissing(): boolean {
  try {
    execFileSync(SYSTEM_PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
}
