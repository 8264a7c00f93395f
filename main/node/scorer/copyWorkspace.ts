import { copyFile, constants, lstat, mkdir, readdir, realpath, symlink } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { RedeskError } from '../../common/errors';
import { isInside } from './isInside';

export interface CopyResult {
  files: number;
  bytes: number;
  /** Relative paths left out: links that lead outside the workspace or nowhere, fifos, sockets, devices. */
  skipped: string[];
}

/**
 * Copies a workspace for scoring, so the scorer never sees (or changes) the live folder. Links inside the
 * workspace are kept as links into the copy; links that lead outside it are skipped, so a scorer is not pointed at
 * files the attempt does not own. Throws FILE_TOO_LARGE past maxBytes.
 */
export async function copyWorkspace(src: string, dest: string, maxBytes: number): Promise<CopyResult> {
  const root = await realpath(src);
  const result: CopyResult = { files: 0, bytes: 0, skipped: [] };
  await mkdir(dest, { recursive: true });
  await copyDir(root, dest, '', maxBytes, result);
  return result;
}

async function copyDir(root: string, dest: string, rel: string, maxBytes: number, result: CopyResult): Promise<void> {
  for (const entry of await readdir(join(root, rel), { withFileTypes: true })) {
    const childRel = rel ? join(rel, entry.name) : entry.name;
    const from = join(root, childRel);
    const to = join(dest, childRel);
    if (entry.isDirectory()) {
      await mkdir(to, { recursive: true });
      await copyDir(root, dest, childRel, maxBytes, result);
    } else if (entry.isFile()) {
      const { size } = await lstat(from);
      result.bytes += size;
      if (result.bytes > maxBytes) {
        throw new RedeskError(
          'FILE_TOO_LARGE',
          `The workspace is larger than ${Math.round(maxBytes / 1024 ** 2)} MiB, too large to copy for scoring (at ${childRel}).`,
          { hint: 'Move large outputs out of the workspace or delete them, then score again.', where: childRel },
        );
      }
      // A copy-on-write clone where the filesystem offers one, a plain copy elsewhere.
      await copyFile(from, to, constants.COPYFILE_FICLONE);
      result.files += 1;
    } else if (entry.isSymbolicLink()) {
      const target = await realpath(from).catch(() => undefined);
      if (target === undefined || !isInside(root, target)) {
        result.skipped.push(childRel);
        continue;
      }
      // Point at the same file in the copy, whatever way the original link was written.
      const inCopy = join(dest, relative(root, target));
      await symlink(relative(dirname(to), inCopy) || '.', to);
    } else {
      result.skipped.push(childRel);
    }
  }
}
