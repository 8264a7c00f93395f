import { RedeskError } from '../../common/errors';

/** ENOSPC (no space) and EDQUOT (quota) mean the same thing to a user: the disk is full. */
export function isDiskFull(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * A failed save as a user-facing error: DISK_FULL when the disk is full, IO_ERROR otherwise. `kept` says what is
 * still safe on disk, so the message answers "did I lose anything?".
 */
export function saveError(e: unknown, path: string, kept: string): RedeskError {
  if (e instanceof RedeskError) return e;
  const reason = (e as Error | null)?.message ?? String(e);
  if (isDiskFull(e)) {
    return new RedeskError('DISK_FULL', `The disk is full: could not save ${path}. ${kept}`, {
      hint: 'Free some disk space and try again.',
      where: path,
      cause: e,
    });
  }
  return new RedeskError('IO_ERROR', `Could not save ${path}: ${reason}. ${kept}`, {
    hint: 'Check that the folder exists and is writable, then try again.',
    where: path,
    cause: e,
  });
}
