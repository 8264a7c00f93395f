import { lstat, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join, posix, resolve, win32 } from 'node:path';
import { RedeskError } from '../../common/errors';
import { isInside } from './walk';

/** More links than this in one path is a loop (Linux gives up at 40 too). */
const MAX_LINK_HOPS = 40;

/**
 * The real absolute path of `rel` inside the folder whose real path is `rootReal`, or PATH_ESCAPES_WORKSPACE.
 * Refused: absolute paths, any `..` segment, NUL bytes, and paths whose symbolic links lead outside the folder.
 * The path need not exist (a file about to be written); its deepest existing part decides.
 */
export async function resolveInside(rootReal: string, rel: string): Promise<string> {
  if (typeof rel !== 'string' || rel.includes('\0')) throw escapes(String(rel), 'it is not a plain path');
  if (posix.isAbsolute(rel) || win32.isAbsolute(rel)) throw escapes(rel, 'it is an absolute path');
  const segments = rel.split(/[\\/]/).filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw escapes(rel, 'it contains ".."');
  const real = await realpathBestEffort(join(rootReal, ...segments), 0);
  if (!isInside(rootReal, real)) throw escapes(rel, 'a symbolic link in it leads outside the workspace');
  return real;
}

/** realpath that also works for paths that do not exist yet, following dangling links by hand. */
async function realpathBestEffort(abs: string, hops: number): Promise<string> {
  if (hops > MAX_LINK_HOPS) throw new RedeskError('PATH_ESCAPES_WORKSPACE', `Too many symbolic links in ${abs}.`);
  try {
    return await realpath(abs);
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOENT') throw e;
  }
  const link = await lstat(abs).catch(() => undefined);
  if (link?.isSymbolicLink()) {
    // A dangling link: where it would lead decides, as writing through it would create its target.
    return realpathBestEffort(resolve(dirname(abs), await readlink(abs)), hops + 1);
  }
  const parent = dirname(abs);
  if (parent === abs) return abs;
  return join(await realpathBestEffort(parent, hops), basename(abs));
}

function escapes(rel: string, why: string): RedeskError {
  return new RedeskError('PATH_ESCAPES_WORKSPACE', `Refused the path ${JSON.stringify(rel)}: ${why}. Nothing was read or written.`, {
    hint: 'Use a path relative to the workspace folder, without "..".',
    where: rel,
  });
}
