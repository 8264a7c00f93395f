import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Left out of every hash: caches that Python and Finder write next to the files we mean. */
const IGNORED_NAMES = new Set(['__pycache__', '.DS_Store']);

/** sha256 of a file, streamed so multi-gigabyte assets take constant memory. */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Every file under `rel` (a file or a folder) as '/'-separated paths relative to `base`; links are not followed. */
export async function listFiles(base: string, rel: string): Promise<string[]> {
  const st = await lstat(join(base, rel));
  if (!st.isDirectory()) return [rel];
  const out: string[] = [];
  for (const entry of await readdir(join(base, rel), { withFileTypes: true })) {
    if (IGNORED_NAMES.has(entry.name)) continue;
    out.push(...(await listFiles(base, rel === '.' ? entry.name : `${rel}/${entry.name}`)));
  }
  return out;
}

/**
 * One sha256 over a set of files: sorted paths, each contributing `sha256(content)  path` as sha256sum prints it,
 * so the result is the same on every OS and one changed byte or renamed file changes it. A symlink contributes its
 * target text rather than what it points at.
 */
export async function hashFileSet(base: string, relPaths: Iterable<string>): Promise<string> {
  const sorted = [...new Set(relPaths)].sort();
  const total = createHash('sha256');
  for (const rel of sorted) {
    const abs = join(base, rel);
    const st = await lstat(abs);
    const digest = st.isSymbolicLink()
      ? createHash('sha256').update(`symlink:${await readlink(abs)}`).digest('hex')
      : await sha256File(abs);
    total.update(`${digest}  ${rel}\n`);
  }
  return total.digest('hex');
}
