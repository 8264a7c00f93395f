import { cp, mkdir, readdir } from 'node:fs/promises';
import { basename } from 'node:path';
import { RedeskError } from '../../common/errors';
import { saveError } from '../store/ioErrors';
import { SKIPPED_DIRS } from './walk';

/**
 * Copies an environment's starter folder into a new workspace, keeping file modes (scripts stay executable) and
 * times, and leaving out caches (`__pycache__`, `.git`, `node_modules`). `dest` must not exist or be empty, so an
 * existing workspace is never overwritten.
 */
export async function copyStarter(src: string, dest: string): Promise<void> {
  const existing = await readdir(dest).catch(() => undefined);
  if (existing && existing.length > 0) {
    throw new RedeskError('IO_ERROR', `Refused to copy the starter into ${dest}: the folder is not empty. Nothing was changed.`, {
      where: dest,
      hint: 'Start a new attempt; an existing workspace is never overwritten.',
    });
  }
  try {
    await mkdir(dest, { recursive: true });
    await cp(src, dest, {
      recursive: true,
      errorOnExist: true,
      force: false,
      preserveTimestamps: true,
      verbatimSymlinks: true,
      filter: (from) => from === src || !SKIPPED_DIRS.has(basename(from)),
    });
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT' && !(await readdir(src).catch(() => undefined))) {
      throw new RedeskError('ENV_INVALID', `The environment's starter folder ${src} is missing.`, { where: src, hint: 'Check the environment with `redesk env check`.' });
    }
    throw saveError(e, dest, 'The environment itself is unchanged.');
  }
}
