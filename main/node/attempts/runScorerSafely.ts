import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../common/clock';
import { RedeskError, toErrorData } from '../../common/errors';
import type { LoadedEnv, Scorer, ScorerResult } from '../contracts';
import type { AttemptPaths } from './AttemptStore';

export interface ScorerCall {
  scorer: Scorer;
  /** The environment, or why it could not be loaded (then the row records that instead of a score). */
  env: LoadedEnv | RedeskError;
  paths: AttemptPaths;
  clock: Clock;
  signal: AbortSignal;
  /** Passed on to the scorer: the final scoring, and the scorer hash recorded at start. */
  final?: boolean;
  expectedScorerHash?: string;
}

/**
 * One scorer run that never throws for a scorer failure: a crash, a missing environment or a bug in the runner
 * becomes `score: null` with an error code, so the log records it and the app keeps going. The only throw is
 * ABORTED-by-shutdown, where no row should be written at all.
 */
export async function runScorerSafely(call: ScorerCall): Promise<ScorerResult> {
  const t0 = call.clock.monoMs();
  const failed = (e: unknown, what: string): ScorerResult => {
    const data = toErrorData(e);
    return {
      score: null,
      message: `${what}: ${data.message}`,
      details: {},
      durationMs: Math.max(0, call.clock.monoMs() - t0),
      errorCode: data.code === 'INTERNAL' ? 'SCORER_CRASHED' : data.code,
    };
  };
  if (call.env instanceof RedeskError) return failed(call.env, 'the environment could not be loaded');

  let scratchDir: string | undefined;
  try {
    await mkdir(call.paths.scratch, { recursive: true });
    scratchDir = await mkdtemp(join(call.paths.scratch, 'score-'));
    const result = await call.scorer.run({
      env: call.env,
      workspaceDir: call.paths.workspace,
      cacheDir: call.paths.cache,
      scratchDir,
      signal: call.signal,
      ...(call.final ? { final: true } : {}),
      ...(call.expectedScorerHash ? { expectedScorerHash: call.expectedScorerHash } : {}),
    });
    if (call.signal.aborted) throw interrupted();
    if (result.score !== null && !Number.isFinite(result.score)) {
      return { ...result, score: null, errorCode: 'SCORER_BAD_OUTPUT', message: `the scorer reported a non-finite score (${String(result.score)})` };
    }
    return result;
  } catch (e) {
    if (call.signal.aborted) throw interrupted();
    return failed(e, 'the scorer failed');
  } finally {
    if (scratchDir) await rm(scratchDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function interrupted(): RedeskError {
  return new RedeskError('INTERNAL', 'Scoring was interrupted because redesk is closing; no score was logged for it.', {
    hint: 'Score again after restarting; a final scoring resumes by itself.',
  });
}
