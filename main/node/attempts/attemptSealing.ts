import type { Logger } from '../../common/clock';
import type { LoadedEnv } from '../contracts';
import { sealAttempt } from '../bundle/sealAttempt';
import type { StoredKey } from '../keys/keyStore';
import type { AttemptFile } from './attemptState';
import { requireTransition, type Live } from './liveAttempt';

export interface SealDeps {
  expertKey(): Promise<StoredKey>;
  appVersion: string;
  logger: Logger;
}

/**
 * Seals a scored attempt into its signed bundle (`<attemptDir>/<id>.redesk`). A failure leaves the attempt scored
 * (nothing is lost: the bundle can be made later with `redesk bundle export`), so it is reported, not thrown.
 */
export async function trySeal(
  attemptId: string,
  attemptDir: string,
  env: LoadedEnv | undefined,
  deps: SealDeps,
): Promise<{ file: string; sha256?: string } | undefined> {
  try {
    const key = await deps.expertKey();
    const r = await sealAttempt(attemptDir, { expertKey: key, appVersion: deps.appVersion, logger: deps.logger, ...(env ? { env } : {}) });
    return { file: r.file };
  } catch (e) {
    deps.logger.warn(
      `attempt ${attemptId} is scored but could not be sealed (${(e as Error).message}); run \`redesk bundle export ${attemptId}\` to seal it`,
    );
    return undefined;
  }
}

/** scored → sealed with the bundle's path; on failure the attempt stays scored and the reason is logged. */
export async function sealLive(live: Live, attemptDir: string, deps: SealDeps & { persist(file: AttemptFile): Promise<void> }): Promise<void> {
  const env = await live.env?.catch(() => undefined);
  const bundle = await trySeal(live.file.id, attemptDir, env, deps);
  if (!bundle) return;
  await live.stateQ.run(async () => {
    const draft = structuredClone(live.file);
    requireTransition(draft, 'sealed', 'seal');
    draft.state = 'sealed';
    draft.bundle = bundle;
    await deps.persist(draft);
    live.file = draft;
  });
}
